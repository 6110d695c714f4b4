/**
 * An error in what the user declared (stack config or component args).
 * It carries Pulumi's RunError marker (`__pulumiRunError`, which is what
 * `RunError.isInstance` checks), so `pulumi up` prints its one-line message
 * without a stack trace; the offline render does the same. It deliberately
 * does not import @pulumi/pulumi, so config validation fails fast, before the
 * SDKs are loaded.
 */
export class PlatformConfigError extends Error {
  /** Pulumi's RunError marker: the engine prints the message alone, without a stack trace. */
  public readonly __pulumiRunError = true;
  constructor(message: string) {
    super(message);
    this.name = "PlatformConfigError";
  }
}

/** Throws a PlatformConfigError naming the component, the field and the value. */
export function invalidArg(component: string, field: string, value: unknown, expected: string): never {
  throw new PlatformConfigError(`${component}: ${field} ${expected}, got ${JSON.stringify(value)}`);
}
