/**
 * Entry point of the policy pack (`pulumi preview --policy-pack policy`).
 * Constructing a PolicyPack starts the analyzer's gRPC server, so nothing
 * else imports this module; tests import `./policies`.
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./policies";

new PolicyPack("platform-readiness", {
  description: "Production readiness of a platform stack: resources, probes, restricted pods, pinned images, PDBs, NetworkPolicies, HPAs, PostgreSQL backups, bucket hardening, observability, no public admin surfaces, preview isolation.",
  // Fail closed: an unconfigured run enforces everything; policy/config/<environment>.json relaxes non-production stacks.
  enforcementLevel: "mandatory",
  policies: POLICIES,
});
