// The floor bench/render measures the compiled render against: a plain node process (no
// TypeScript loader, no program) that only loads the Pulumi SDKs a stack's render loads —
// @pulumi/pulumi, @pulumi/kubernetes and @pulumi/random always, @pulumi/aws with --aws (the
// stacks that create AWS resources) — and touches one class of each so lazy loaders run.
const pulumi = require("@pulumi/pulumi");
const k8s = require("@pulumi/kubernetes");
const random = require("@pulumi/random");
const touched = [pulumi.ComponentResource, k8s.apps.v1.Deployment, k8s.helm.v3.Release, random.RandomPassword];
if (process.argv.includes("--aws")) {
  const aws = require("@pulumi/aws");
  touched.push(aws.Provider, aws.s3.Bucket, aws.iam.Role);
}
if (touched.some((c) => typeof c !== "function")) throw new Error("sdk-floor: an SDK class did not load");
