/**
 * The production-readiness policies, as @pulumi/policy policy objects. This
 * module never constructs a `PolicyPack` (that starts a gRPC server): tests and
 * the readiness scorecard call `validateResource` / `validateStack` directly;
 * `policy/index.ts` builds the pack for `pulumi preview --policy-pack policy`.
 *
 * Enforcement: the pack defaults to "mandatory" (fail closed); the files in
 * `policy/config/` set each environment's levels (`--policy-pack-config`):
 * mandatory on staging and prod, advisory on dev, local and preview stacks,
 * plus `preview-isolation` and `pinned-images` mandatory on preview stacks.
 */
import type { Policies, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { checkAdminRoutes, type ExposureConfig } from "./exposure";
import { inventory, type Inventory, type Violation } from "./inventory";
import { checkPinnedImages, checkProbes, checkResources, checkRestricted, checkSecretLiterals } from "./pods";
import { fromPolicyResources, type PolicyResourceLike, type StackResource } from "./resources";
import {
  checkBuckets,
  checkHpas,
  checkNetworkPolicies,
  checkObservability,
  checkPdbs,
  checkPostgresBackups,
  checkPreviewIsolation,
} from "./stack-checks";

/** Defaults of each configurable policy (what an unconfigured pack enforces: prod's bar). */
export const DEFAULTS = {
  "postgres-backups": { minRetentionDays: 30 },
  "no-public-admin-routes": { internalIngressClasses: [] as string[], internalGateways: [] as string[] },
} as const;

function resourcePolicy(name: string, description: string, check: (r: StackResource) => Violation[]): ResourceValidationPolicy {
  return {
    name,
    description,
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
      const r: StackResource = { urn: args.urn, type: args.type, name: args.name, props: args.props, parent: args.opts?.parent ?? "", dependencies: [] };
      for (const x of check(r)) report(x.message, x.urn);
    },
  };
}

function stackPolicy<C extends object>(
  name: string,
  description: string,
  check: (inv: Inventory, config: C) => Violation[],
  configSchema?: StackValidationPolicy["configSchema"],
  enforcementLevel?: StackValidationPolicy["enforcementLevel"],
): StackValidationPolicy {
  return {
    name,
    description,
    configSchema,
    enforcementLevel,
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      const config = { ...((DEFAULTS as Record<string, object>)[name] ?? {}), ...(args.getConfig<C>() ?? {}) } as C;
      const resources = fromPolicyResources(args.resources as unknown as PolicyResourceLike[]);
      for (const x of check(inventory(resources), config)) report(x.message, x.urn);
    },
  };
}

export const POLICIES: Policies = [
  resourcePolicy("workload-resources", "Every container sets CPU and memory requests and a memory limit.", checkResources),
  resourcePolicy("workload-probes", "Every container has a readiness probe and, unless its operator supervises it, a liveness probe.", checkProbes),
  resourcePolicy("restricted-pods", "Pods meet the Pod Security Standard 'restricted' profile.", checkRestricted),
  resourcePolicy("pinned-images", "Every image has a tag other than latest or a digest; every Helm chart an exact version.", checkPinnedImages),
  resourcePolicy("no-secret-literals", "No secret as a literal in a container's environment or a ConfigMap.", checkSecretLiterals),
  stackPolicy("pdb-per-workload", "Every multi-replica workload has a PodDisruptionBudget, and none blocks a node drain.", (inv) => checkPdbs(inv)),
  stackPolicy("networkpolicy-per-workload", "Every workload's pods are selected by a NetworkPolicy governing their ingress.", (inv) => checkNetworkPolicies(inv)),
  stackPolicy("hpa-for-multi-replica-deployments", "Every Deployment with more than one replica has a HorizontalPodAutoscaler.", (inv) => checkHpas(inv)),
  stackPolicy<{ minRetentionDays: number }>(
    "postgres-backups",
    "Every PostgreSQL cluster archives WAL, has a scheduled base backup, and keeps the minimum recovery window.",
    (inv, c) => checkPostgresBackups(inv, c.minRetentionDays),
    { properties: { minRetentionDays: { type: "integer", minimum: 1, default: DEFAULTS["postgres-backups"].minRetentionDays } } },
  ),
  stackPolicy("backup-bucket-hardening", "Every S3 bucket is encrypted, versioned, private and TLS-only.", (inv) => checkBuckets(inv)),
  stackPolicy("observability-per-workload", "Every workload is scraped; with the stack's own Prometheus, alerted and on a dashboard.", (inv) => checkObservability(inv)),
  stackPolicy<ExposureConfig>(
    "no-public-admin-routes",
    "No public route reaches an admin surface (metrics, management endpoints, admin consoles, operator UIs).",
    (inv, c) => checkAdminRoutes(inv, c),
    {
      properties: {
        internalIngressClasses: { type: "array", items: { type: "string" }, default: [] },
        internalGateways: { type: "array", items: { type: "string" }, default: [] },
      },
    },
  ),
  stackPolicy(
    "preview-isolation",
    "A preview stack stays in its own namespace: no cluster-scoped objects, no Helm releases.",
    (inv) => checkPreviewIsolation(inv),
    undefined,
    // Only preview stacks turn it on (policy/config/preview.json).
    "disabled",
  ),
];

export const POLICY_NAMES: readonly string[] = POLICIES.map((p) => p.name);

/** Per-policy config as a policy-pack config file gives it (`{ "<policy>": level | { enforcementLevel, ...props } }`). */
export type PackConfig = Record<string, string | ({ enforcementLevel?: string } & Record<string, unknown>)>;

/**
 * Runs every policy over a stack's resources the way the engine would (each
 * resource policy per resource, each stack policy once), with a pack config
 * such as `policy/config/prod.json`. Disabled policies don't run.
 */
export async function runPolicies(resources: readonly StackResource[], config: PackConfig = {}): Promise<(Violation & { enforcementLevel: string })[]> {
  const out: (Violation & { enforcementLevel: string })[] = [];
  const levelOf = (p: Policies[number]) => {
    const c = config[p.name] ?? config.all;
    const fromConfig = typeof c === "string" ? c : c?.enforcementLevel;
    return fromConfig ?? p.enforcementLevel ?? "mandatory";
  };
  const propsOf = (p: Policies[number]) => {
    const c = config[p.name];
    if (typeof c !== "object") return {};
    const { enforcementLevel: _, ...rest } = c;
    return rest;
  };
  const resourcesLike = resources.map((r) => ({ ...r, parent: r.parent ? { urn: r.parent } : undefined, dependencies: r.dependencies.map((urn) => ({ urn })), propertyDependencies: {} }));
  for (const p of POLICIES) {
    const level = levelOf(p);
    if (level === "disabled") continue;
    const found: Violation[] = [];
    const report = (policy: string) => (message: string, urn?: string) => found.push({ policy, message, urn, subject: message.split(":")[0]! });
    if ("validateStack" in p) {
      await p.validateStack(
        {
          resources: resourcesLike as never,
          stackTags: new Map(),
          getConfig: <T extends object>() => propsOf(p) as T,
          notApplicable: (reason?: string): never => {
            throw new Error(`not applicable: ${reason}`);
          },
        },
        report(p.name),
      );
    } else {
      const validations = Array.isArray(p.validateResource) ? p.validateResource : p.validateResource ? [p.validateResource] : [];
      for (const r of resources) {
        for (const validate of validations) {
          await validate(
            {
              type: r.type,
              props: r.props,
              urn: r.urn,
              name: r.name,
              opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [], parent: r.parent },
              stackTags: new Map(),
              isType: () => false,
              asType: () => undefined,
              getConfig: <T extends object>() => propsOf(p) as T,
              notApplicable: (reason?: string): never => {
                throw new Error(`not applicable: ${reason}`);
              },
            },
            report(p.name),
          );
        }
      }
    }
    for (const f of found) out.push({ ...f, enforcementLevel: level });
  }
  return out;
}
