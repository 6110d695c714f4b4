import type * as k8s from "@pulumi/kubernetes";

/** An escape hatch on one child's args (SST's `transform`): gets the args the component built, returns the args to use. */
export type Transform<T> = (args: T) => T;

/** The args after the user's transform, if any. */
export function applyTransform<T>(t: Transform<T> | undefined, args: T): T {
  return t ? t(args) : args;
}

/** The args of a custom resource (an operator's object: a CloudNativePG Cluster, a ServiceMonitor, a Gateway), as its transform receives them. */
export type CustomResourceArgs = k8s.apiextensions.CustomResourceArgs;
