/**
 * The files a Redis / Valkey deployment runs on, rendered from resolved args:
 * redis.conf (ConfigMap), the ACL file, the replication credentials and
 * sentinel.conf (Secret), and the start script of Sentinel mode. Pure: the real
 * tests boot exactly these files against Debian's redis-server and redis-sentinel.
 *
 * Every directive used here exists in Redis 7.0 (Debian 12's 7.0.15, what the
 * tests run), Redis 8.x and Valkey 9.x; none was left out to suit 7.0.
 */
import { createHash } from "node:crypto";
import type { ResolvedRedisArgs } from "./args";

/** Where the files live inside a pod (the volume mounts); the tests place them in a temp dir instead. */
export interface RedisPaths {
  /** ConfigMap: redis.conf, start.sh. */
  readonly config: string;
  /** Secret: users.acl, replication.conf, sentinel.conf. */
  readonly secret: string;
  /** Data volume (PVC): RDB, AOF. */
  readonly data: string;
  /** Writable scratch (emptyDir): the copies Sentinel may rewrite. */
  readonly run: string;
  /** TLS certificate (cert-manager Secret: tls.crt, tls.key, ca.crt). */
  readonly tls: string;
}

export const POD_PATHS: RedisPaths = { config: "/etc/redis/conf", secret: "/etc/redis/secret", data: "/data", run: "/run/redis", tls: "/etc/redis/tls" };

/** File names in the ConfigMap and the Secret. */
export const FILES = { redisConf: "redis.conf", startScript: "start.sh", acl: "users.acl", replication: "replication.conf", sentinelConf: "sentinel.conf" } as const;

export interface RedisPasswords {
  readonly app: string;
  readonly admin: string;
}

/** `#<sha256>`: the ACL file never holds a password in clear. */
export function aclPasswordHash(password: string): string {
  return `#${createHash("sha256").update(password, "utf8").digest("hex")}`;
}

/**
 * Command rules of the application user on the server: data commands, pub/sub, transactions
 * and scripts, plus INFO (client ready checks, Spring's health indicator) and ROLE (Sentinel-aware
 * clients). Nothing administrative or dangerous: no KEYS, FLUSHALL/FLUSHDB, CONFIG, DEBUG,
 * SHUTDOWN, MONITOR, REPLICAOF, CLIENT KILL, SORT. On Redis 8 `@read`/`@write` also cover the
 * bundled modules' commands (JSON, Query Engine, time series, probabilistic); on 7.x and Valkey
 * without modules they simply don't exist.
 */
export const APP_RULES = "-@all +@connection +@read +@write +@keyspace +@pubsub +@transaction +@scripting -@admin -@dangerous +info +role";

/**
 * The admin user: everything but the dangerous category, plus exactly the dangerous commands its
 * jobs need. Sentinel: INFO, CONFIG (REWRITE on a role change), CLIENT (KILL after a failover),
 * SLAVEOF/REPLICAOF, SCRIPT KILL, ROLE. Replicas: PSYNC, SYNC, REPLCONF. redis_exporter: INFO,
 * CONFIG GET, SLOWLOG, LATENCY, CLIENT LIST. Operators: BGSAVE, BGREWRITEAOF, MONITOR, FAILOVER,
 * ACL LIST/LOG/LOAD (reload the mounted ACL file after a password rotation).
 * Still refused: KEYS, FLUSHALL, FLUSHDB, DEBUG, SHUTDOWN, MIGRATE, RESTORE, ACL SETUSER/SAVE.
 */
export const ADMIN_RULES =
  "+@all -@dangerous +info +config +client +slaveof +replicaof +psync +sync +replconf +role +slowlog +latency +script|kill +bgsave +bgrewriteaof +lastsave +monitor +failover +acl|list +acl|log +acl|load +acl|whoami";

/** The application user on the Sentinels: find the primary and follow its changes, nothing else. */
export const SENTINEL_APP_RULES =
  "-@all +@connection +ping +info +role +subscribe +psubscribe +unsubscribe +punsubscribe +sentinel|get-master-addr-by-name +sentinel|master +sentinel|replicas +sentinel|slaves +sentinel|sentinels";

const header = (a: ResolvedRedisArgs, what: string) =>
  [`# ${what} of ${a.namespace}/${a.name} (${a.flavor}, ${a.mode}), rendered by platform components/redis.`, "# Do not edit in the cluster: the next `pulumi up` replaces it."];

function tlsLines(a: ResolvedRedisArgs, p: RedisPaths): string[] {
  if (!a.tls) return [];
  return [
    `tls-cert-file ${p.tls}/tls.crt`,
    `tls-key-file ${p.tls}/tls.key`,
    `tls-ca-cert-file ${p.tls}/ca.crt`,
    `tls-auth-clients ${a.tls.clientCertificates ? "yes" : "no"}`,
    // Replicas to the primary, and Sentinels to the servers, over TLS too.
    "tls-replication yes",
  ];
}

/** Port lines: plain TCP, or TLS only (the plain port closed). */
function portLines(a: ResolvedRedisArgs, p: RedisPaths, port: number): string[] {
  return a.tls ? ["port 0", `tls-port ${port}`, ...tlsLines(a, p)] : [`port ${port}`];
}

/** redis.conf of every data pod (primary and replicas alike; the role comes from start.sh). */
export function redisConf(a: ResolvedRedisArgs, p: RedisPaths = POD_PATHS): string {
  const lines = [
    ...header(a, "Server configuration"),
    "",
    "# Network: every interface of the pod; the NetworkPolicy decides who gets here.",
    "bind * -::*",
    // Inert while no user is passwordless (the default user is off); kept as a second lock.
    "protected-mode yes",
    ...portLines(a, p, a.port),
    "tcp-keepalive 60",
    "timeout 0",
    "",
    "# Users: the ACL file (hashed passwords) from the Secret. No `user`/`requirepass` here: they would conflict with it.",
    `aclfile ${p.secret}/${FILES.acl}`,
    "enable-debug-command no",
    "enable-module-command no",
    "enable-protected-configs no",
    "",
    "# Persistence: AOF fsync'd every second on an RDB preamble, plus RDB snapshots.",
    `dir ${p.data}`,
    `appendonly ${a.aof ? "yes" : "no"}`,
    'appendfilename "appendonly.aof"',
    'appenddirname "appendonlydir"',
    "appendfsync everysec",
    "aof-use-rdb-preamble yes",
    "auto-aof-rewrite-percentage 100",
    "auto-aof-rewrite-min-size 64mb",
    a.rdbSnapshots ? "save 3600 1 300 100 60 10000" : 'save ""',
    "dbfilename dump.rdb",
    "stop-writes-on-bgsave-error yes",
    "rdbchecksum yes",
    "",
    `# Memory: ${Math.round(a.maxmemoryRatio * 100)}% of the container limit (${a.resources.limits.memory}); the rest is fork, replication and client headroom.`,
    `maxmemory ${a.maxmemoryBytes}`,
    `maxmemory-policy ${a.maxmemoryPolicy}`,
    "",
    "# Logs to stdout.",
    'logfile ""',
    "loglevel notice",
  ];
  if (a.mode === "sentinel") {
    lines.push(
      "",
      "# Replication. Who is primary is Sentinel's call (start.sh asks it); these hold for every role.",
      "replica-read-only yes",
      "replica-serve-stale-data yes",
      "repl-diskless-sync yes",
      "replica-priority 100",
      `# Split brain: an isolated primary stops taking writes once it has fewer than ${a.minReplicasToWrite} replica(s) at most ${a.minReplicasMaxLagSeconds}s behind.`,
      `min-replicas-to-write ${a.minReplicasToWrite}`,
      `min-replicas-max-lag ${a.minReplicasMaxLagSeconds}`,
      "# masteruser / masterauth (the admin user) from the Secret.",
      `include ${p.secret}/${FILES.replication}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The ACL file: the default user off, the app and admin users with hashed passwords. */
export function aclFile(a: ResolvedRedisArgs, pw: RedisPasswords): string {
  return [
    "user default off resetpass resetkeys resetchannels -@all",
    `user ${a.users.app.username} on ${aclPasswordHash(pw.app)} resetkeys ~* resetchannels &* ${APP_RULES}`,
    `user ${a.users.admin.username} on ${aclPasswordHash(pw.admin)} resetkeys ~* resetchannels &* ${ADMIN_RULES}`,
    "",
  ].join("\n");
}

/** Credentials replicas use towards the primary (included by redis.conf). */
export function replicationConf(a: ResolvedRedisArgs, pw: RedisPasswords): string {
  return `masteruser ${a.users.admin.username}\nmasterauth ${pw.admin}\n`;
}

/** sentinel.conf of every Sentinel pod. start.sh copies it to a writable place, adds the pod's id and name, and points `monitor` at the current primary. */
export function sentinelConf(a: ResolvedRedisArgs, pw: RedisPasswords, p: RedisPaths = POD_PATHS): string {
  const s = a.sentinel;
  if (!s) throw new Error("sentinelConf: not a Sentinel deployment");
  const m = s.masterName;
  const admin = a.users.admin.username;
  const lines = [
    ...header(a, "Sentinel configuration"),
    "",
    "bind * -::*",
    "protected-mode yes",
    ...portLines(a, p, a.sentinelPort),
    `dir ${p.run}`,
    'logfile ""',
    "",
    "# Everything by stable pod DNS name, never by IP: a rescheduled pod with a new IP is the same instance.",
    "sentinel resolve-hostnames yes",
    "sentinel announce-hostnames yes",
    "",
    "# Users of this Sentinel: the default user off; the app user may only look up the primary and follow changes.",
    "user default off resetpass resetkeys resetchannels -@all",
    `user ${a.users.app.username} on ${aclPasswordHash(pw.app)} resetchannels &* ${SENTINEL_APP_RULES}`,
    `user ${admin} on ${aclPasswordHash(pw.admin)} ~* &* +@all`,
    "# Sentinels authenticate to each other, and to the servers, as the admin user.",
    `sentinel sentinel-user ${admin}`,
    `sentinel sentinel-pass ${pw.admin}`,
    "sentinel deny-scripts-reconfig yes",
    "",
    `# The primary of a new deployment; start.sh replaces the host with the current primary.`,
    `sentinel monitor ${m} ${a.podHost(0)} ${a.port} ${s.quorum}`,
    `sentinel auth-user ${m} ${admin}`,
    `sentinel auth-pass ${m} ${pw.admin}`,
    `sentinel down-after-milliseconds ${m} ${s.downAfterMilliseconds}`,
    `sentinel failover-timeout ${m} ${s.failoverTimeoutMilliseconds}`,
    `sentinel parallel-syncs ${m} ${s.parallelSyncs}`,
    "",
  ];
  return lines.join("\n");
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * start.sh (Sentinel mode), POSIX sh, for both containers: `start.sh server` and
 * `start.sh sentinel`. It finds the current primary — the Sentinels' answer first, then
 * a data pod that says it is a primary, and only for a new deployment pod 0 — so a
 * restarted old primary comes back as a replica instead of a second primary, and a
 * restarted Sentinel monitors the primary of now, not the one of the first boot.
 * Needs POD_NAME and REDISCLI_AUTH (the admin password) in the environment.
 */
export function startScript(a: ResolvedRedisArgs, p: RedisPaths = POD_PATHS): string {
  const s = a.sentinel;
  if (!s) throw new Error("startScript: not a Sentinel deployment");
  const pr = a.programs;
  const tls = a.tls ? ` --tls --cacert ${p.tls}/ca.crt${a.tls.clientCertificates ? ` --cert ${p.tls}/tls.crt --key ${p.tls}/tls.key` : ""}` : "";
  const sentinels = Array.from({ length: s.replicas }, (_, i) => a.sentinelHost(i));
  const pods = Array.from({ length: a.replicas }, (_, i) => a.podHost(i));
  const suffix = `${a.headless}.${a.namespace}.svc.${a.clusterDomain}`;
  const sentinelSuffix = `${s.headless}.${a.namespace}.svc.${a.clusterDomain}`;
  return `#!/bin/sh
# Start script of ${a.namespace}/${a.name} (${a.flavor} with Sentinel), rendered by platform components/redis.
# Usage: start.sh server|sentinel [extra options]. Needs POD_NAME and REDISCLI_AUTH (admin password).
set -eu
role="\${1:?usage: start.sh server|sentinel}"
shift
: "\${POD_NAME:?}" "\${REDISCLI_AUTH:?}"
export REDISCLI_AUTH

cli() { timeout 3 ${pr.cli} --user ${q(a.users.admin.username)} --no-auth-warning${tls} "$@" 2>/dev/null; }

# The current primary: what a Sentinel says; else a data pod reporting role master; else (a new deployment) pod 0.
primary=""
for s in ${sentinels.join(" ")}; do
  host="$(cli -h "$s" -p ${a.sentinelPort} SENTINEL get-master-addr-by-name ${q(s.masterName)} | sed -n 1p)" || host=""
  case "$host" in ""|*ERR*|*NOAUTH*|*NOPERM*) ;; *) primary="$host"; break ;; esac
done
if [ -z "$primary" ]; then
  for h in ${pods.join(" ")}; do
    [ "$role" = server ] && [ "$h" = "$POD_NAME.${suffix}" ] && continue
    if [ "$(cli -h "$h" -p ${a.port} ROLE | sed -n 1p)" = master ]; then primary="$h"; break; fi
  done
fi
[ -n "$primary" ] || primary=${a.podHost(0)}
echo "start.sh: $role $POD_NAME: current primary is $primary"

# In the official image, start through its entrypoint (it loads Redis 8's bundled modules).
entry=""
if command -v docker-entrypoint.sh >/dev/null 2>&1; then entry=docker-entrypoint.sh; fi

mkdir -p ${p.run}
case "$role" in
server)
  self="$POD_NAME.${suffix}"
  # A writable copy: Sentinel persists role changes with CONFIG REWRITE.
  cp ${p.config}/${FILES.redisConf} ${p.run}/${FILES.redisConf}
  set -- ${pr.server} ${p.run}/${FILES.redisConf} --replica-announce-ip "$self" "$@"
  if [ "$primary" != "$self" ]; then set -- "$@" --replicaof "$primary" ${a.port}; fi
  ;;
sentinel)
  self="$POD_NAME.${sentinelSuffix}"
  conf=${p.run}/${FILES.sentinelConf}
  sed "s|^sentinel monitor ${s.masterName} [^ ]* |sentinel monitor ${s.masterName} $primary |" ${p.secret}/${FILES.sentinelConf} > "$conf"
  # A stable id per pod: a restarted Sentinel is the same Sentinel to its peers, never an extra voter.
  echo "sentinel myid $(printf %s "$self" | sha1sum | cut -c1-40)" >> "$conf"
  echo "sentinel announce-ip $self" >> "$conf"
  set -- ${pr.sentinel} "$conf" "$@"
  ;;
*) echo "start.sh: unknown role $role" >&2; exit 2 ;;
esac
exec $entry "$@"
`;
}

/** Everything of one deployment: the ConfigMap's files and the Secret's files. */
export interface RedisFiles {
  readonly config: Readonly<Record<string, string>>;
  readonly secret: Readonly<Record<string, string>>;
}

export function redisFiles(a: ResolvedRedisArgs, pw: RedisPasswords, p: RedisPaths = POD_PATHS): RedisFiles {
  const config: Record<string, string> = { [FILES.redisConf]: redisConf(a, p) };
  const secret: Record<string, string> = { [FILES.acl]: aclFile(a, pw) };
  if (a.mode === "sentinel") {
    config[FILES.startScript] = startScript(a, p);
    secret[FILES.replication] = replicationConf(a, pw);
    secret[FILES.sentinelConf] = sentinelConf(a, pw, p);
  }
  return { config, secret };
}
