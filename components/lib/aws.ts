/**
 * `@pulumi/aws`, loaded on first use. The AWS SDK is the heaviest module the program
 * can load (about a second and 10 MiB here); only stacks that create AWS resources
 * (an AWS provider, S3 backups, ElastiCache) pay for it. Import its types with
 * `import type * as aws from "@pulumi/aws"`, and its values through {@link loadAws}.
 */
import type * as Aws from "@pulumi/aws";

let sdk: typeof Aws | undefined;

/**
 * Returns the `@pulumi/aws` module, requiring it the first time it is asked for.
 * @internal
 */
export function loadAws(): typeof Aws {
  sdk ??= require("@pulumi/aws") as typeof Aws;
  return sdk;
}
