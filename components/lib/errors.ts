import * as pulumi from "@pulumi/pulumi";

/**
 * An error in what the user declared (stack config or component args). It is a
 * `pulumi.RunError`, so `pulumi up` prints its one-line message without a stack
 * trace; the offline render does the same.
 */
export class PlatformConfigError extends pulumi.RunError {
  constructor(message: string) {
    super(message);
    this.name = "PlatformConfigError";
  }
}

/** Throws a PlatformConfigError naming the component, the field and the value. */
export function invalidArg(component: string, field: string, value: unknown, expected: string): never {
  throw new PlatformConfigError(`${component}: ${field} ${expected}, got ${JSON.stringify(value)}`);
}
