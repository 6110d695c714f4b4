/**
 * Pinned images of the PostgreSQL component. Bump deliberately: a new
 * PostgreSQL minor restarts every instance (a switchover in multi-instance
 * clusters); a new store image restarts the in-cluster object store.
 */

/**
 * CloudNativePG's PostgreSQL 17 operand image ("standard" flavour on Debian
 * trixie: contrib incl. pg_stat_statements, pgaudit, pgvector, all locales).
 * Barman Cloud tools are not needed in it: the plugin injects its own sidecar.
 */
export const POSTGRES_IMAGE = "ghcr.io/cloudnative-pg/postgresql:17.11-standard-trixie";

/**
 * Versity S3 Gateway (versitygw), the S3-compatible store of local and preview
 * stacks (posix backend on a PVC). Maintained, Apache-2.0, single static binary.
 */
export const OBJECT_STORE_IMAGE = "ghcr.io/versity/versitygw:v1.7.0";

/** Name of the Barman Cloud CNPG-I plugin, as the Cluster's `spec.plugins` and ScheduledBackup refer to it. */
export const BARMAN_PLUGIN = "barman-cloud.cloudnative-pg.io";
