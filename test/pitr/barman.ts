/**
 * How a BackupLayout becomes barman-cloud command lines: the same mapping the Barman
 * Cloud plugin applies to an ObjectStore (`destinationPath` → destination URL,
 * `endpointURL` → `--endpoint-url`, `data/wal.compression` → `--gzip|--bzip2|--snappy` (nothing when unset), `data.jobs` → `--jobs`,
 * the Cluster's `serverName` plugin parameter → the server-name argument).
 */
import { existsSync } from "node:fs";
import type { BackupCompression, BackupLayout } from "../../components/postgres/backup-layout";
import { exec, execOk, shQuote, type ExecResult, type Ids } from "./exec";

export const BARMAN_TOOLS = [
  "barman-cloud-backup",
  "barman-cloud-backup-delete",
  "barman-cloud-backup-list",
  "barman-cloud-check-wal-archive",
  "barman-cloud-restore",
  "barman-cloud-wal-archive",
  "barman-cloud-wal-restore",
] as const;
export type BarmanTool = (typeof BARMAN_TOOLS)[number];

/**
 * barman-cloud's flags for a compression (the same flag for backup and WAL archive): none for
 * "none", as the Barman Cloud plugin passes none when the ObjectStore leaves `compression` unset.
 */
export function compressionFlags(c: BackupCompression): string[] {
  return { none: [], gzip: ["--gzip"], bzip2: ["--bzip2"], snappy: ["--snappy"] }[c];
}

/** Where the object store is and how to reach it. */
export interface BarmanTarget {
  readonly layout: BackupLayout;
  readonly endpointURL: string;
  /** Environment for every barman-cloud process (AWS_* credentials, HOME, PATH). */
  readonly env: NodeJS.ProcessEnv;
  readonly ids: Ids;
}

function common(t: BarmanTarget): string[] {
  return ["--cloud-provider", "aws-s3", "--endpoint-url", t.endpointURL];
}

/** `archive_command` for the server `t.layout.serverName`. */
export function walArchiveCommand(t: BarmanTarget): string {
  return [
    "/usr/bin/barman-cloud-wal-archive",
    ...common(t),
    ...compressionFlags(t.layout.wal.compression),
    t.layout.destinationPath,
    t.layout.serverName,
    "%p",
  ]
    .map(shQuote)
    .join(" ");
}

/** `restore_command` reading WAL archived by `sourceServerName` (compression is detected on read). */
export function walRestoreCommand(t: BarmanTarget, sourceServerName: string): string {
  return ["/usr/bin/barman-cloud-wal-restore", ...common(t), t.layout.destinationPath, sourceServerName, "%f", "%p"].map(shQuote).join(" ");
}

async function barman(t: BarmanTarget, tool: BarmanTool, args: readonly string[], ok: boolean): Promise<ExecResult> {
  const full = [...common(t), ...args];
  const opts = { env: t.env, ids: t.ids, timeoutMs: 600_000 };
  return ok ? await execOk(`/usr/bin/${tool}`, full, opts) : await exec(`/usr/bin/${tool}`, full, opts);
}

/** Named base backup of the running server over its Unix socket. */
export async function baseBackup(t: BarmanTarget, pg: { socketDir: string; port: number }, name: string): Promise<ExecResult> {
  return await barman(
    t,
    "barman-cloud-backup",
    [...compressionFlags(t.layout.data.compression), "--jobs", String(t.layout.data.jobs), "--immediate-checkpoint", "-n", name, "-h", pg.socketDir, "-p", String(pg.port), "-U", "postgres", t.layout.destinationPath, t.layout.serverName],
    true,
  );
}

export interface BackupInfo {
  readonly backup_id: string;
  readonly backup_name?: string;
  readonly status: string;
  readonly begin_wal: string;
  readonly end_wal: string;
  readonly timeline: number;
}

export async function listBackups(t: BarmanTarget, serverName: string): Promise<BackupInfo[]> {
  const r = await barman(t, "barman-cloud-backup-list", ["--format", "json", t.layout.destinationPath, serverName], true);
  return (JSON.parse(r.stdout) as { backups_list: BackupInfo[] }).backups_list;
}

/** Backup id of the backup named `name` (barman 3.4 has no "latest"). */
export async function backupIdByName(t: BarmanTarget, serverName: string, name: string): Promise<string> {
  const hit = (await listBackups(t, serverName)).find((b) => b.backup_name === name);
  if (!hit) throw new Error(`no backup named ${name} under server ${serverName}`);
  return hit.backup_id;
}

export async function restoreBackup(t: BarmanTarget, serverName: string, backupId: string, dataDir: string): Promise<ExecResult> {
  return await barman(t, "barman-cloud-restore", [t.layout.destinationPath, serverName, backupId, dataDir], true);
}

/** barman-cloud-check-wal-archive: exit 0 when `serverName`'s archive is safe for a new timeline-1 server. */
export async function checkWalArchive(t: BarmanTarget, serverName: string): Promise<ExecResult> {
  return await barman(t, "barman-cloud-check-wal-archive", [t.layout.destinationPath, serverName], false);
}

export async function deleteByPolicy(t: BarmanTarget, serverName: string, policy: string): Promise<ExecResult> {
  return await barman(t, "barman-cloud-backup-delete", ["-r", policy, t.layout.destinationPath, serverName], true);
}

/** Throws (never skips) when barman-cloud, boto3 or the chosen compression's library is missing. */
export async function requireBarman(...compressions: BackupCompression[]): Promise<void> {
  for (const tool of BARMAN_TOOLS) {
    if (!existsSync(`/usr/bin/${tool}`)) {
      throw new Error(`required program /usr/bin/${tool} is missing: run "npm test" (scripts/test.sh installs barman-cli-cloud)`);
    }
  }
  const mods = compressions.includes("snappy") ? ["boto3", "snappy"] : ["boto3"];
  for (const m of mods) {
    const r = await exec("python3", ["-c", `import ${m}`]);
    if (r.code !== 0) {
      throw new Error(`python module ${m} is missing for barman-cloud: run "npm test" (scripts/test.sh installs python3-boto3)${m === "snappy" ? "; snappy also needs python3-snappy" : ""}`);
    }
  }
}
