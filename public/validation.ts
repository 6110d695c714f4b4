/**
 * `@readiness/platform/validation`: the checks a program can run on its configuration before
 * anything registers, without loading any Pulumi SDK (so bad input fails in well under a second):
 * the error type the components throw, Kubernetes quantities, a restore target's window, a
 * JVM workload's memory settings, the Keycloak realm policy's limits, and the secrets catalogue
 * with the check a supplied secret value must pass. The same functions are exported by `@readiness/platform`.
 *
 * @packageDocumentation
 */
export { PlatformConfigError } from "../components/lib/errors";
export { parseQuantity, isCpuQuantity, isByteQuantity } from "../components/lib/quantities";
export { restoreTargetProblem } from "../components/postgres/restore-window";
export { REALM_LIMITS, type RealmLimitKey } from "../components/keycloak/realm";
export { PLATFORM_SECRETS, suppliedValueProblem } from "../components/secrets/catalog";
export type { SecretSpec, PasswordSpec, KeySpec, SecretAlphabet } from "../components/secrets/catalog";
export { jvmProblems, type JvmArgs, type JvmProblem, type JvmInput } from "../components/workload/jvm";
// Types a JvmInput names (type-only: nothing more is loaded).
export type { AutoscalingArgs, ResourcesArgs } from "../components/workload/args";
