/** An escape hatch on one child's args (SST's `transform`): gets the args the component built, returns the args to use. */
export type Transform<T> = (args: T) => T;

/** The args after the user's transform, if any. */
export function applyTransform<T>(t: Transform<T> | undefined, args: T): T {
  return t ? t(args) : args;
}
