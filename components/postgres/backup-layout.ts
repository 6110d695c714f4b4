/**
 * Where and how a PostgreSQL cluster's backups live in object storage: one pure
 * function shared by the PostgresCluster component (ObjectStore + Cluster plugin
 * parameters) and by the point-in-time-restore drill in `test/pitr`, so what the
 * drill proves is what gets deployed.
 *
 * Object layout (Barman Cloud appends `<serverName>/base/…` and `<serverName>/wals/…`):
 *
 * ```
 * s3://<bucket>/<pathPrefix>/<clusterName>/<clusterName>/base/<backupId>/…     generation 0
 * s3://<bucket>/<pathPrefix>/<clusterName>/<clusterName>/wals/<tli+log>/<wal>
 * s3://<bucket>/<pathPrefix>/<clusterName>/<clusterName>-r1/…                  after 1st restore
 * s3://<bucket>/<pathPrefix>/<clusterName>/<clusterName>-r2/…                  after 2nd restore
 * ```
 *
 * Every restore generation archives under a new server name next to the one it was
 * restored from, so a restored cluster can never overwrite the WAL history it came
 * from (`barman-cloud-check-wal-archive` refuses a used server name anyway).
 */

/**
 * Compression accepted by both barman-cloud 3.4 and the Barman Cloud plugin, for data and WAL alike.
 * `none` leaves the ObjectStore's `compression` unset: the plugin then passes no compression flag
 * (barman-cloud library bd68198c31dc, the one plugin v0.13.0's go.mod pins: pkg/backup/backup.go
 * `GetDataConfiguration` and pkg/archiver/command.go add `--<compression>` only when it is set),
 * and barman-cloud uploads plain tar files and WAL segments.
 */
export const BACKUP_COMPRESSIONS = ["none", "gzip", "bzip2", "snappy"] as const;
/** A compression Barman Cloud applies to base backups and WAL ({@link BACKUP_COMPRESSIONS}); "none" uploads uncompressed. */
export type BackupCompression = (typeof BACKUP_COMPRESSIONS)[number];

/**
 * Default compression of base backups: none. Measured by `bench/pitr` (docs/postgres.md, 2-core
 * machine, 83 MB database, loopback S3): an uncompressed base backup ran at 44.6–49.8 MB/s for
 * 1.4 s of CPU, gzip at 10.0–10.9 MB/s for 7.5 s (bzip2 11.4–12.3 MB/s, 6.8 s): compression is
 * CPU-bound on one core. Against the sidecar's default limit of 500m that is ~0.017 CPU-s/MB, so
 * ~29 MB/s at most uncompressed against ~5.5 MB/s with gzip: a 100 GB base backup in about an hour
 * instead of five. Restores are faster too (97.9 against 68.1 MB/s). The cost is storage: gzip
 * stored 39% of the bytes, so base backups take ~2.6x the space (WAL, the bulk of a 30-day
 * window, stays compressed).
 */
export const DEFAULT_DATA_COMPRESSION: BackupCompression = "none";

/**
 * Default compression of archived WAL: gzip. Per 16 MB segment the bench measured gzip 0.62 s,
 * none 0.72 s, bzip2 0.70 s (CPU 0.60–0.68 s each): archiving is dominated by process start and
 * upload, not the codec, so gzip costs nothing in speed and shrinks what a recovery window keeps.
 */
export const DEFAULT_WAL_COMPRESSION: BackupCompression = "gzip";

/**
 * Default upload jobs of a base backup (`data.jobs`, barman-cloud-backup `--jobs`): 2. The bench
 * saw 1, 2 and 4 jobs within 12% of each other on loopback (uncompressed: 44.6, 49.8, 46.5 MB/s),
 * 2 the fastest; with compression each job is a compressing process, so more jobs only share the
 * same 500m sidecar limit. Against a real S3 endpoint parallel uploads hide its latency, which
 * loopback can't show: 2 keeps that without multiplying the sidecar's memory.
 */
export const DEFAULT_DATA_JOBS = 2;

/** One codec for base backups and WAL, or each of them (what is left out takes its default). */
export type BackupCompressionInput = BackupCompression | { readonly data?: BackupCompression; readonly wal?: BackupCompression };

export interface BackupLayoutInput {
  /** Pulumi stack name; the default object-key prefix. @example "prod" */
  readonly stack: string;
  /** CloudNativePG Cluster name (DNS-1123 label); names the per-cluster folder and the generation-0 server. */
  readonly clusterName: string;
  /** S3 bucket holding the backups (the off-site copy). */
  readonly bucket: string;
  /**
   * Object-key prefix inside the bucket, `/`-separated; `""` puts clusters at the bucket root.
   * Changing it on a running cluster starts a new, empty archive: take a base backup right after.
   * @default - the stack name
   */
  readonly pathPrefix?: string;
  /** Recovery window: any second of the last N days can be restored. 1..3650. @default 30 */
  readonly retentionDays?: number;
  /**
   * Compression of base backups and WAL: one codec for both, or `{ data, wal }`. `snappy` needs
   * python-snappy next to barman-cloud (present in the plugin's sidecar image, absent from
   * Debian's barman-cli-cloud). Defaults chosen by measurement: see DEFAULT_DATA_COMPRESSION and
   * DEFAULT_WAL_COMPRESSION.
   * @default { data: "none", wal: "gzip" }
   */
  readonly compression?: BackupCompressionInput;
  /** Parallel upload jobs of a base backup (ObjectStore `data.jobs`). 1..8. @default 2 (DEFAULT_DATA_JOBS) */
  readonly dataJobs?: number;
  /** WAL files archived (or restored) in parallel by the plugin. 1..32. @default 2 */
  readonly walMaxParallel?: number;
  /**
   * Restore generation: 0 is the original cluster, N the cluster made by the N-th
   * point-in-time restore (it recovers from generation N-1 and archives as `-rN`).
   * Caution: raising it means "this cluster is a new timeline": its WAL goes to a new server name.
   * @default 0
   */
  readonly generation?: number;
}

/** Where a cluster generation's backups are in the bucket, and where a restore reads from. */
export interface BackupLayout {
  /** Bucket name, as given. */
  readonly bucket: string;
  /** Key prefix of this cluster's folder inside the bucket, no leading or trailing slash. @example "prod/app-db" */
  readonly clusterPrefix: string;
  /** ObjectStore `spec.configuration.destinationPath` and barman-cloud's destination/source URL (no trailing slash). @example "s3://backups/prod/app-db" */
  readonly destinationPath: string;
  /** Barman server name this generation archives and backs up under (Cluster plugin parameter `serverName`). */
  readonly serverName: string;
  /** Key prefix of everything this generation writes, with trailing slash. @example "prod/app-db/app-db-r1/" */
  readonly serverPrefix: string;
  /** Server name to recover from (generation - 1); undefined for generation 0. */
  readonly previousServerName: string | undefined;
  /** Restore generation this layout is for. */
  readonly generation: number;
  /** Recovery window in days. */
  readonly retentionDays: number;
  /** ObjectStore `spec.retentionPolicy` (matches `^[1-9][0-9]*[dwm]$`). @example "30d" */
  readonly retentionPolicy: string;
  /** The same policy in barman-cloud-backup-delete syntax (`-r`). @example "RECOVERY WINDOW OF 30 DAYS" */
  readonly barmanRetentionPolicy: string;
  /** ObjectStore `spec.configuration.data`. */
  readonly data: { readonly compression: BackupCompression; readonly jobs: number };
  /** ObjectStore `spec.configuration.wal`. */
  readonly wal: { readonly compression: BackupCompression; readonly maxParallel: number };
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const KEY_SEGMENT = /^[A-Za-z0-9._-]+$/;

function fail(field: string, rule: string, value: unknown): never {
  throw new Error(`${field} ${rule}, got ${JSON.stringify(value)}`);
}

function intInRange(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(field, `must be an integer between ${min} and ${max}`, value);
  }
  return value;
}

/** Throws unless `name` is a valid S3 bucket name (general-purpose bucket rules). */
export function validateBucketName(name: string, field = "backup.bucket"): string {
  if (typeof name !== "string" || name.length < 3 || name.length > 63) {
    fail(field, "must be 3 to 63 characters long", name);
  }
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) {
    fail(field, "may hold only lowercase letters, digits, dots and hyphens, and must start and end with a letter or digit", name);
  }
  if (name.includes("..")) fail(field, "must not contain two adjacent dots", name);
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) fail(field, "must not look like an IP address", name);
  for (const p of ["xn--", "sthree-", "amzn-s3-demo-"]) {
    if (name.startsWith(p)) fail(field, `must not start with the reserved prefix "${p}"`, name);
  }
  for (const s of ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"]) {
    if (name.endsWith(s)) fail(field, `must not end with the reserved suffix "${s}"`, name);
  }
  return name;
}

/** Normalizes a `/`-separated key prefix (outer slashes dropped); throws on unsafe segments. */
export function normalizePathPrefix(prefix: string, field = "backup.pathPrefix"): string {
  if (typeof prefix !== "string") fail(field, "must be a string", prefix);
  const trimmed = prefix.replace(/^\/+|\/+$/g, "");
  if (trimmed === "") return "";
  for (const seg of trimmed.split("/")) {
    if (!KEY_SEGMENT.test(seg) || seg === "." || seg === "..") {
      fail(field, 'must be "/"-separated segments of letters, digits, ".", "_" or "-" (no empty, "." or ".." segment)', prefix);
    }
  }
  if (trimmed.length > 512) fail(field, "must be at most 512 characters", prefix);
  return trimmed;
}

function validateClusterName(name: string): string {
  if (typeof name !== "string" || name.length === 0 || name.length > 63 || !DNS1123_LABEL.test(name)) {
    fail("clusterName", "must be a DNS-1123 label (1-63 lowercase letters, digits or '-', starting and ending with a letter or digit)", name);
  }
  return name;
}

/** Barman server name of a restore generation: the cluster name, then `-r<N>` for N >= 1. */
export function serverNameFor(clusterName: string, generation: number): string {
  validateClusterName(clusterName);
  intInRange("backup.generation", generation, 0, Number.MAX_SAFE_INTEGER);
  return generation === 0 ? clusterName : `${clusterName}-r${generation}`;
}

/**
 * Server name a restore of generation `generation` recovers from (generation - 1).
 * Throws for generation 0, which is not a restore.
 */
export function restoreSourceServerName(clusterName: string, generation: number): string {
  if (!Number.isInteger(generation) || generation < 1) {
    fail("backup.generation", "must be at least 1 for a restore (generation 0 is the original cluster)", generation);
  }
  return serverNameFor(clusterName, generation - 1);
}

function codec(field: string, value: unknown): BackupCompression {
  if (!(BACKUP_COMPRESSIONS as readonly unknown[]).includes(value)) fail(field, `must be one of ${BACKUP_COMPRESSIONS.join(", ")}`, value);
  return value as BackupCompression;
}

/** The codecs of base backups and WAL from `backup.compression` (a codec for both, or `{ data, wal }`). */
export function resolveCompression(input: BackupCompressionInput | undefined): { data: BackupCompression; wal: BackupCompression } {
  if (input === undefined) return { data: DEFAULT_DATA_COMPRESSION, wal: DEFAULT_WAL_COMPRESSION };
  if (typeof input === "object" && input !== null && !Array.isArray(input)) {
    for (const k of Object.keys(input)) if (k !== "data" && k !== "wal") fail(`backup.compression.${k}`, 'is not a field (use "data" and "wal")', (input as Record<string, unknown>)[k]);
    return {
      data: input.data === undefined ? DEFAULT_DATA_COMPRESSION : codec("backup.compression.data", input.data),
      wal: input.wal === undefined ? DEFAULT_WAL_COMPRESSION : codec("backup.compression.wal", input.wal),
    };
  }
  const both = codec("backup.compression", input);
  return { data: both, wal: both };
}

/** Resolves defaults and validates; pure, never reads config or environment. */
export function resolveBackupLayout(input: Readonly<BackupLayoutInput>): BackupLayout {
  if (typeof input.stack !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(input.stack)) {
    fail("stack", 'must be letters, digits, ".", "_" or "-", starting with a letter or digit', input.stack);
  }
  const clusterName = validateClusterName(input.clusterName);
  const bucket = validateBucketName(input.bucket);
  const prefix = normalizePathPrefix(input.pathPrefix ?? input.stack);
  const retentionDays = intInRange("backup.retentionDays", input.retentionDays ?? 30, 1, 3650);
  const generation = intInRange("backup.generation", input.generation ?? 0, 0, Number.MAX_SAFE_INTEGER);
  const { data: dataCompression, wal: walCompression } = resolveCompression(input.compression);
  const jobs = intInRange("backup.jobs", input.dataJobs ?? DEFAULT_DATA_JOBS, 1, 8);
  const maxParallel = intInRange("backup.walMaxParallel", input.walMaxParallel ?? 2, 1, 32);

  const clusterPrefix = prefix === "" ? clusterName : `${prefix}/${clusterName}`;
  const serverName = serverNameFor(clusterName, generation);
  return {
    bucket,
    clusterPrefix,
    destinationPath: `s3://${bucket}/${clusterPrefix}`,
    serverName,
    serverPrefix: `${clusterPrefix}/${serverName}/`,
    previousServerName: generation === 0 ? undefined : serverNameFor(clusterName, generation - 1),
    generation,
    retentionDays,
    retentionPolicy: `${retentionDays}d`,
    barmanRetentionPolicy: `RECOVERY WINDOW OF ${retentionDays} DAYS`,
    data: { compression: dataCompression, jobs },
    wal: { compression: walCompression, maxParallel },
  };
}
