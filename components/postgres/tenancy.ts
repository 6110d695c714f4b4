/**
 * Owner / runtime role split of a database, as plain data: the runtime role's grants
 * and default privileges (SQL the grants Job runs as the owner), the pooler's HBA rules
 * that refuse the owners, and the grants Job itself. Pure, so the real-PostgreSQL and
 * real-PgBouncer tests apply exactly what the component renders.
 *
 * Why a Job and not the operator: CloudNativePG 1.30.0's `Database` CR (api/v1/database_types.go)
 * manages extensions, schemas, FDWs and servers, but has no GRANT or default-privilege field, and
 * managed roles (`RoleConfiguration`) only know role attributes and `inRoles` membership; making the
 * runtime role a member of the owner would hand it the owner's rights, which is what the split
 * prevents. The Job connects as the owner (who may grant on what it owns and set its own default
 * privileges), never as a superuser, so `enableSuperuserAccess` stays off.
 */
import { createHash } from "node:crypto";
import type * as k8s from "@pulumi/kubernetes";
import type { ResolvedDatabase, ResolvedPostgresClusterArgs, ResolvedRuntimeRole } from "./args";

/**
 * Facts of the pinned CloudNativePG v1.30.0 this module relies on (checked by components/postgres/tenancy.test.ts
 * against the text below):
 * - `api/v1/cluster_types.go`: `ServiceReadWriteSuffix = "-rw"`: the primary's Service is `<cluster>-rw`.
 * - `api/v1/cluster_funcs.go` `GetClusterAltDNSNames`: the server certificate names `<svc>`, `<svc>.<ns>`,
 *   `<svc>.<ns>.svc` and `<svc>.<ns>.svc.<cluster domain>`, so `sslmode=verify-full` works on `<cluster>-rw.<ns>.svc`.
 * - `api/v1/pooler_types.go` `PgBouncerSpec.PgHBA` (`json:"pg_hba"`): lines added to PgBouncer's HBA file.
 * - `pkg/management/pgbouncer/config/config.go`: `auth_type = hba` by default, and the HBA file is
 *   `local pgbouncer pgbouncer peer`, then the `pg_hba` lines in order, then
 *   `host all all 0.0.0.0/0 md5` and `host all all ::/0 md5`; PgBouncer uses the first line that
 *   matches, so a `reject` line in `pg_hba` wins over the trailing md5 lines.
 * - `api/v1/cluster_types.go` `RoleConfiguration` (json names, in order): `name`, `comment`, `ensure`, `passwordSecret`,
 *   `connectionLimit`, `validUntil`, `inRoles`, `inherit`, `disablePassword`, `superuser`, `createdb`, `createrole`, `login`, `replication`, `bypassrls`.
 */
export const CNPG_FACTS = {
  version: "v1.30.0",
  rwServiceSuffix: "-rw",
  poolerHbaField: "pg_hba",
  /** `pgbouncerHBAFileTemplateString`, verbatim (a Go text/template). */
  pgbouncerHbaTemplate:
    "\nlocal pgbouncer pgbouncer peer\n\n{{ range $rule := .PgHba }}\n{{ $rule -}}\n{{ end }}\n\nhost all all 0.0.0.0/0 md5\nhost all all ::/0 md5\n",
  managedRoleFields: ["name", "comment", "ensure", "passwordSecret", "connectionLimit", "validUntil", "inRoles", "inherit", "disablePassword", "superuser", "createdb", "createrole", "login", "replication", "bypassrls"],
} as const;

/** The primary's Service of a cluster (CloudNativePG `<cluster>-rw`). */
export function rwServiceName(clusterName: string): string {
  return `${clusterName}${CNPG_FACTS.rwServiceSuffix}`;
}

/**
 * PgBouncer's HBA file as CloudNativePG v1.30.0 renders it from a Pooler's `pg_hba` lines
 * (pkg/management/pgbouncer/config/config.go, `pgbouncerHBAFileTemplateString`; Go's
 * template emits an empty line before each rule).
 */
export function pgbouncerHbaFile(rules: readonly string[]): string {
  // The template's one action: `{{ range }}` emits "\n" + rule per rule (`-}}` trims the newline after it).
  const RANGE = "{{ range $rule := .PgHba }}\n{{ $rule -}}\n{{ end }}";
  const [before, after] = CNPG_FACTS.pgbouncerHbaTemplate.split(RANGE) as [string, string];
  return before + rules.map((r) => `\n${r}`).join("") + after;
}

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

/** Databases whose owner is for migrations only (they have a runtime role). */
export function splitDatabases(a: Pick<ResolvedPostgresClusterArgs, "databases">): (ResolvedDatabase & { runtime: ResolvedRuntimeRole })[] {
  return a.databases.filter((d): d is ResolvedDatabase & { runtime: ResolvedRuntimeRole } => d.runtime !== undefined);
}

/**
 * The Pooler's `pg_hba` lines: the owners of split databases and the superuser are refused
 * (whatever their password), everyone else falls through to CloudNativePG's md5/SCRAM lines.
 */
export function poolerHbaRules(a: Pick<ResolvedPostgresClusterArgs, "databases">): string[] {
  const refused = [...new Set([...splitDatabases(a).map((d) => d.owner), "postgres"])];
  const users = refused.join(",");
  return [`host all ${users} 0.0.0.0/0 reject`, `host all ${users} ::/0 reject`];
}

/**
 * What the runtime role may do in database `d`, as the owner grants it; idempotent (every
 * statement may run again), one implicit transaction (`psql -c`). Default privileges are
 * set FOR ROLE owner, so every table, sequence and function the migrations create later is
 * usable by the runtime role without another grant.
 */
export function grantsSql(d: ResolvedDatabase & { runtime: ResolvedRuntimeRole }): string {
  const o = q(d.owner);
  const r = q(d.runtime.role);
  const lines = [
    // Refuse to run if the runtime role could bypass row-level security or owns anything here.
    `DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${d.runtime.role}' AND (rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb)) THEN
    RAISE EXCEPTION 'role ${d.runtime.role} must be NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class c JOIN pg_roles o ON o.oid = c.relowner WHERE o.rolname = '${d.runtime.role}') THEN
    RAISE EXCEPTION 'role ${d.runtime.role} owns relations in database ${d.name}: reassign them to ${d.owner}';
  END IF;
END $$;`,
    `GRANT CONNECT, TEMPORARY ON DATABASE ${q(d.name)} TO ${r};`,
  ];
  for (const s of d.runtime.schemas) {
    const sc = q(s);
    if (s !== "public") lines.push(`CREATE SCHEMA IF NOT EXISTS ${sc} AUTHORIZATION ${o};`);
    lines.push(
      // Nobody but the owner creates objects in the schema (PostgreSQL 15 already revokes this from PUBLIC on public).
      `REVOKE CREATE ON SCHEMA ${sc} FROM PUBLIC;`,
      `GRANT USAGE ON SCHEMA ${sc} TO ${r};`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${sc} TO ${r};`,
      `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${sc} TO ${r};`,
      `GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${sc} TO ${r};`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${o} IN SCHEMA ${sc} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${r};`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${o} IN SCHEMA ${sc} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${r};`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${o} IN SCHEMA ${sc} GRANT EXECUTE ON FUNCTIONS TO ${r};`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Labels of the grants Job's pods (their NetworkPolicy and the instances' ingress select them). */
export function grantsPodLabels(a: Pick<ResolvedPostgresClusterArgs, "baseName" | "instance">): Record<string, string> {
  return { "app.kubernetes.io/name": `${a.baseName}-grants`, "app.kubernetes.io/instance": a.instance };
}

/**
 * Job name: cluster, database and a hash of the SQL and the target, so a change of the grants
 * (or a new cluster generation) makes a new Job that runs them, and an unchanged `pulumi up`
 * changes nothing. At most 63 characters (the Job name is also a label value).
 */
export function grantsJobName(a: Pick<ResolvedPostgresClusterArgs, "clusterName" | "namespace">, d: ResolvedDatabase & { runtime: ResolvedRuntimeRole }): string {
  const hash = createHash("sha256").update(`${a.namespace}\n${a.clusterName}\n${d.name}\n${grantsSql(d)}`).digest("hex").slice(0, 10);
  const stem = `${a.clusterName}-grants-${d.name.replace(/_/g, "-")}`.slice(0, 63 - 11).replace(/-+$/, "");
  return `${stem}-${hash}`;
}

/** The grants Job's `spec`: psql in the operand image, as the owner, over TLS verified against the cluster's CA. */
export function grantsJobSpec(a: ResolvedPostgresClusterArgs, d: ResolvedDatabase & { runtime: ResolvedRuntimeRole }, labels: Record<string, string>): k8s.types.input.batch.v1.JobSpec {
  const secretEnv = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: d.passwordSecret, key } } });
  return {
    // The roles appear when CloudNativePG reconciles managed roles, shortly after the Cluster is Ready: retry until then.
    backoffLimit: 8,
    activeDeadlineSeconds: 900,
    template: {
      metadata: { labels: { ...labels, ...grantsPodLabels(a) } },
      spec: {
        restartPolicy: "Never",
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        securityContext: { runAsNonRoot: true, runAsUser: 26, runAsGroup: 26, seccompProfile: { type: "RuntimeDefault" } },
        containers: [
          {
            name: "grants",
            image: a.imageName,
            command: ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", grantsSql(d)],
            env: [
              { name: "PGHOST", value: `${rwServiceName(a.clusterName)}.${a.namespace}.svc` },
              { name: "PGPORT", value: "5432" },
              { name: "PGDATABASE", value: d.name },
              secretEnv("PGUSER", "username"),
              secretEnv("PGPASSWORD", "password"),
              { name: "PGSSLMODE", value: "verify-full" },
              { name: "PGSSLROOTCERT", value: "/etc/postgres-ca/ca.crt" },
              { name: "PGAPPNAME", value: "platform-grants" },
              { name: "PGCONNECT_TIMEOUT", value: "10" },
            ],
            resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } },
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
            volumeMounts: [{ name: "ca", mountPath: "/etc/postgres-ca", readOnly: true }],
          },
        ],
        volumes: [{ name: "ca", secret: { secretName: `${a.clusterName}-ca`, items: [{ key: "ca.crt", path: "ca.crt" }] } }],
      },
    },
  };
}
