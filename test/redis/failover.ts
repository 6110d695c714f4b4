/**
 * A Sentinel failover on real programs: the prod stack's rendered Redis —
 * a primary, two replicas and three Sentinels, each started by the rendered
 * start.sh exactly as its container does — on loopback addresses behind their
 * pod DNS names. An ioredis client (what web uses) writes through Sentinel
 * while the primary is SIGKILLed; the scenario records what the client had
 * acknowledged, what survived on the new primary, the Sentinels' event
 * timeline, what the client's Sentinel lookup finds, and how the old primary
 * comes back. The test asserts on the report; bench/redis-failover.ts times it.
 * Every process it starts is stopped, whatever happens.
 */
import { join } from "node:path";
import type { Redis as IORedis } from "ioredis";
import { makeTempDir, removeDir, waitFor, type Daemon } from "../procs";
import { podFiles, renderedRedis, type RenderedRedis } from "./render";
import { cli, ioredis, loopbackNetwork, makePod, nssEnv, requireRedisPrograms, startAndWait, writeFiles, writeHosts, type Pod } from "./servers";

export interface FailoverOptions {
  /** Stack-config changes of the rendered prod stack (down-after is the failover floor). */
  readonly downAfterMilliseconds?: number;
  readonly failoverTimeoutMilliseconds?: number;
  /** Also check that an isolated primary refuses writes (min-replicas-to-write; waits min-replicas-max-lag). @default true */
  readonly checkIsolatedPrimary?: boolean;
  readonly log?: (line: string) => void;
}

export interface SentinelEvent {
  readonly event: string;
  readonly message: string;
  /** Milliseconds after the kill. */
  readonly at: number;
}

export interface FailoverReport {
  readonly downAfterMilliseconds: number;
  readonly quorum: number;
  readonly primaryBefore: string;
  readonly primaryAfter: string;
  /** First occurrence of each Sentinel event after the kill (any Sentinel). */
  readonly events: readonly SentinelEvent[];
  /** Kill → `+switch-master`. */
  readonly switchMs: number;
  /** Kill → the client's first acknowledged write on the new primary. */
  readonly clientRecoveredMs: number;
  /** Writes the client saw acknowledged before the kill, and the last index among them. */
  readonly ackedBeforeKill: number;
  /** Highest index a `WAIT 2` confirmed on both replicas before the kill. */
  readonly syncedUpTo: number;
  /** Writes that failed during the failover (outcome unknown to the client). */
  readonly failedWrites: number;
  /** Acknowledged writes (before the kill) missing on the new primary. */
  readonly lostIndices: readonly number[];
  /** Acknowledged writes after the failover, all present on the new primary. */
  readonly ackedAfterFailover: number;
  readonly missingAfterFailover: number;
  /** What each Sentinel answers to `SENTINEL get-master-addr-by-name`, after. */
  readonly sentinelAnswers: readonly string[];
  /** Host (pod name) the ioredis client is connected to after the failover, and the ROLE it reports. */
  readonly clientPrimary: string;
  readonly clientRole: string;
  /** The restarted old primary: its role and primary, and whether its link is up. */
  readonly oldPrimary: { readonly role: string; readonly masterHost: string; readonly linkUp: boolean; readonly hasPostFailoverWrite: boolean };
  /** Whether every Sentinel lists the old primary as a healthy replica. */
  readonly sentinelsSeeOldPrimaryAsReplica: boolean;
  /** A Sentinel restarted after the failover: whether it kept its id, which pod it monitors, how many other Sentinels each peer knows. */
  readonly restartedSentinel: { readonly sameId: boolean; readonly monitors: string; readonly peersKnown: readonly number[] };
  /** Error of a write to the primary once both replicas were gone for longer than min-replicas-max-lag (undefined: not checked). */
  readonly isolatedPrimaryError?: string;
  readonly isolatedAfterMs?: number;
  /** min-replicas-max-lag of the render, in seconds. */
  readonly maxLagSeconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Node {
  readonly pod: Pod;
  readonly role: "server" | "sentinel";
  readonly env: NodeJS.ProcessEnv;
  daemon?: Daemon;
}

export async function runFailover(o: FailoverOptions = {}): Promise<FailoverReport> {
  requireRedisPrograms();
  const log = o.log ?? (() => undefined);
  const downAfter = o.downAfterMilliseconds ?? 2000;
  const r: RenderedRedis = await renderedRedis("prod", {
    redis: { sentinel: { downAfterMilliseconds: downAfter, failoverTimeoutMilliseconds: o.failoverTimeoutMilliseconds ?? 10_000 } },
  });
  const a = r.resolved;
  const s = a.sentinel!;
  if (a.replicas !== 3 || s.replicas !== 3) throw new Error(`prod renders ${a.replicas} data pods and ${s.replicas} Sentinels; the scenario expects 3 and 3`);
  const dir = makeTempDir("redis-failover");
  const nodes: Node[] = [];
  const clients: IORedis[] = [];
  try {
    const net = loopbackNetwork(6);
    const port = await net.port();
    let sentinelPort = await net.port();
    while (sentinelPort === port) sentinelPort = await net.port();
    const pods = [
      ...[0, 1, 2].map((i) => ({ role: "server" as const, pod: makePod(dir, `redis-${i}`, a.podHost(i), net.addresses[i]!) })),
      ...[0, 1, 2].map((i) => ({ role: "sentinel" as const, pod: makePod(dir, `redis-sentinel-${i}`, a.sentinelHost(i), net.addresses[3 + i]!) })),
    ];
    const hostsFile = writeHosts(dir, pods.map((p) => p.pod));
    const addressOf = new Map(pods.map((p) => [p.pod.host, p.pod.address]));
    const podOf = (host: string) => pods.find((p) => p.pod.host === host)?.pod.name ?? host;
    for (const p of pods) {
      const files = podFiles(r, { port, sentinelPort, paths: p.pod.paths });
      writeFiles(p.pod.paths.config, files.config);
      writeFiles(p.pod.paths.secret, files.secret);
      nodes.push({ ...p, env: nssEnv(hostsFile, { POD_NAME: p.pod.name, REDISCLI_AUTH: r.passwords.admin }) });
    }
    const admin = (n: Node, ...args: string[]) => {
      const out = cli(n.env, n.pod.address, n.role === "server" ? port : sentinelPort, r.usernames.admin, r.passwords.admin, args);
      return (out.stdout + out.stderr).trim();
    };
    // The container command: `sh /etc/redis/conf/start.sh server|sentinel`; `--bind` stands in for the pod's own network namespace.
    const start = async (n: Node) => {
      n.daemon = await startAndWait("/bin/sh", [join(n.pod.paths.config, "start.sh"), n.role, "--bind", n.pod.address], {
        env: n.env,
        logFile: join(n.pod.root, `${n.role}.log`),
        address: n.pod.address,
        port: n.role === "server" ? port : sentinelPort,
        user: r.usernames.admin,
        password: r.passwords.admin,
      });
    };
    // Parallel pod management, as the StatefulSets declare it.
    await Promise.all(nodes.map(start));
    const [p0, p1, p2] = nodes.filter((n) => n.role === "server") as [Node, Node, Node];
    const sentinels = nodes.filter((n) => n.role === "sentinel");
    const field = (text: string, key: string) => new RegExp(`^${key}:(.*)$`, "m").exec(text)?.[1]?.trim() ?? "";
    const sentinelMaster = (n: Node) => {
      const lines = admin(n, "SENTINEL", "MASTER", s.masterName).split("\n");
      const m: Record<string, string> = {};
      for (let i = 0; i + 1 < lines.length; i += 2) m[lines[i]!] = lines[i + 1]!;
      return m;
    };
    await waitFor(
      "redis-0 primary with 2 replicas in sync, and 3 Sentinels that know all of them",
      () => {
        const info = admin(p0, "INFO", "replication");
        if (field(info, "role") !== "master" || field(info, "connected_slaves") !== "2") return false;
        for (const rep of [p1, p2]) if (field(admin(rep, "INFO", "replication"), "master_link_status") !== "up") return false;
        return sentinels.every((n) => {
          const m = sentinelMaster(n);
          return m.flags === "master" && m["num-slaves"] === "2" && m["num-other-sentinels"] === "2" && /^OK/.test(admin(n, "SENTINEL", "CKQUORUM", s.masterName));
        });
      },
      60_000,
      250,
    );
    const primaryBefore = admin(sentinels[0]!, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", s.masterName).split("\n")[0]!;
    log(`deployment up: primary ${podOf(primaryBefore)}, ports ${port}/${sentinelPort}, down-after ${downAfter} ms, quorum ${s.quorum}`);

    // Sentinel events, from every Sentinel, as the app user may follow them.
    let killedAt = 0;
    const events: SentinelEvent[] = [];
    for (const n of sentinels) {
      const sub = ioredis({ host: n.pod.address, port: sentinelPort, username: r.usernames.app, password: r.passwords.app }, addressOf);
      clients.push(sub);
      sub.on("error", () => undefined);
      await sub.connect();
      sub.on("pmessage", (_pattern: string, channel: string, message: string) => {
        if (killedAt > 0 && !events.some((e) => e.event === channel)) events.push({ event: channel, message, at: Date.now() - killedAt });
      });
      await sub.psubscribe("*");
    }

    // The application's client: through Sentinel, as the app user on both the Sentinels and the servers.
    const client = ioredis(
      {
        sentinels: sentinels.map((n) => ({ host: n.pod.address, port: sentinelPort })),
        name: s.masterName,
        sentinelUsername: r.usernames.app,
        sentinelPassword: r.passwords.app,
        username: r.usernames.app,
        password: r.passwords.app,
        updateSentinels: false,
        retryStrategy: () => 50,
        sentinelRetryStrategy: () => 50,
        maxRetriesPerRequest: 0,
        connectTimeout: 500,
      },
      addressOf,
    );
    clients.push(client);
    client.on("error", () => undefined);
    await client.connect();

    const acked: number[] = [];
    let failed = 0;
    let syncedUpTo = -1;
    let ackedBeforeKill = -1;
    let recoveredAt = 0;
    let dead = false;
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        try {
          await client.set(`w:${i}`, String(i));
          acked.push(i);
          if (dead && recoveredAt === 0) recoveredAt = Date.now();
          if (killedAt === 0 && i % 100 === 99 && Number(await client.call("WAIT", "2", "1000")) === 2) syncedUpTo = i;
        } catch {
          failed++;
          await sleep(20);
        }
      }
    })();
    await waitFor("1000 acknowledged writes with a WAIT-confirmed prefix", () => acked.length >= 1000 && syncedUpTo >= 0, 30_000, 20);

    // The primary's process dies (SIGKILL: no shutdown, no final snapshot).
    killedAt = Date.now();
    p0.daemon!.proc.kill("SIGKILL");
    await p0.daemon!.stop(1000);
    // Only once the process is gone is nothing more acknowledged by it: what was acknowledged until now was the old primary's.
    dead = true;
    ackedBeforeKill = acked.length;
    const lastBeforeKill = acked[acked.length - 1]!;
    log(`killed ${p0.pod.name} after ${ackedBeforeKill} acknowledged writes (last w:${lastBeforeKill}, WAIT 2 confirmed up to w:${syncedUpTo})`);

    await waitFor("+switch-master", () => events.some((e) => e.event === "+switch-master"), 60_000, 20);
    const switchEvent = events.find((e) => e.event === "+switch-master")!;
    const primaryAfter = switchEvent.message.split(" ")[3]!;
    await waitFor("50 acknowledged writes after the failover", () => recoveredAt > 0 && acked.length >= ackedBeforeKill + 50, 30_000, 20);
    stop = true;
    await writer;
    log(`+switch-master after ${switchEvent.at} ms: ${podOf(primaryAfter)} is primary; client wrote again after ${recoveredAt - killedAt} ms`);

    const newPrimary = nodes.find((n) => n.pod.host === primaryAfter)!;
    const values = async (idx: readonly number[]) => {
      const direct = ioredis({ host: newPrimary.pod.address, port, username: r.usernames.admin, password: r.passwords.admin }, addressOf);
      clients.push(direct);
      await direct.connect();
      const out: (string | null)[] = [];
      for (let k = 0; k < idx.length; k += 500) out.push(...(await direct.mget(...idx.slice(k, k + 500).map((i) => `w:${i}`))));
      direct.disconnect();
      return out;
    };
    const before = acked.slice(0, ackedBeforeKill);
    const after = acked.slice(ackedBeforeKill);
    const beforeValues = await values(before);
    const lostIndices = before.filter((_, k) => beforeValues[k] !== String(before[k]));
    const afterValues = await values(after);
    const missingAfterFailover = after.filter((_, k) => afterValues[k] !== String(after[k])).length;

    const sentinelAnswers = sentinels.map((n) => admin(n, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", s.masterName).split("\n")[0]!);
    const remote = (client as unknown as { stream?: { remoteAddress?: string } }).stream?.remoteAddress ?? "";
    const clientPrimary = pods.find((p) => p.pod.address === remote)?.pod.name ?? remote;
    const clientRole = String(((await client.call("ROLE")) as unknown[])[0]);

    // The old primary comes back through start.sh, as its pod would after a reschedule.
    await start(p0);
    await waitFor(
      "the old primary to rejoin as a replica of the new one",
      () => {
        const info = admin(p0, "INFO", "replication");
        return field(info, "role") === "slave" && field(info, "master_link_status") === "up";
      },
      30_000,
      200,
    );
    const info0 = admin(p0, "INFO", "replication");
    const lastAfter = after[after.length - 1]!;
    await waitFor("the post-failover writes on the old primary", () => admin(p0, "GET", `w:${lastAfter}`) === String(lastAfter), 10_000, 100);
    let seen = false;
    try {
      await waitFor(
        "every Sentinel to list the old primary as a healthy replica",
        () =>
          sentinels.every((n) => {
            const lines = admin(n, "SENTINEL", "REPLICAS", s.masterName).split("\n");
            const at = lines.indexOf(p0.pod.host);
            if (at < 0) return false;
            const flagsAt = lines.indexOf("flags", at - 3 < 0 ? 0 : at - 3);
            return flagsAt >= 0 && lines[flagsAt + 1] === "slave";
          }),
        30_000,
        250,
      );
      seen = true;
    } catch {
      seen = false;
    }
    const oldPrimary = {
      role: field(info0, "role"),
      masterHost: field(info0, "master_host"),
      linkUp: field(info0, "master_link_status") === "up",
      hasPostFailoverWrite: admin(p0, "GET", `w:${lastAfter}`) === String(lastAfter),
    };
    log(`old primary ${p0.pod.name} rejoined as ${oldPrimary.role} of ${podOf(oldPrimary.masterHost)}`);

    // A Sentinel restarted after the failover: start.sh points its monitor at the current primary (its
    // rendered file names redis-0), and its id comes from its pod name, so its peers see the same voter.
    const s0 = sentinels[0]!;
    const idBefore = admin(s0, "SENTINEL", "MYID");
    await s0.daemon!.stop(2000);
    await start(s0);
    await waitFor(
      "the restarted Sentinel to rejoin its peers",
      () => sentinelMaster(s0)["num-other-sentinels"] === "2" && sentinels.slice(1).every((n) => sentinelMaster(n)["num-other-sentinels"] === "2" && !/s_down/.test(admin(n, "SENTINEL", "SENTINELS", s.masterName))),
      30_000,
      250,
    );
    const restartedSentinel = {
      sameId: admin(s0, "SENTINEL", "MYID") === idBefore,
      monitors: podOf(admin(s0, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", s.masterName).split("\n")[0]!),
      peersKnown: sentinels.slice(1).map((n) => Number(sentinelMaster(n)["num-other-sentinels"])),
    };
    log(`restarted ${s0.pod.name}: same id ${restartedSentinel.sameId}, monitors ${restartedSentinel.monitors}, peers know ${restartedSentinel.peersKnown.join("/")} other Sentinels`);

    let isolatedPrimaryError: string | undefined;
    let isolatedAfterMs: number | undefined;
    if (o.checkIsolatedPrimary ?? true) {
      // Both replicas cut off (SIGSTOP: frozen, their connections open but silent, as behind a network partition):
      // past min-replicas-max-lag the primary must refuse writes, which bounds what an isolated primary can take.
      const replicas = nodes.filter((n) => n.role === "server" && n !== newPrimary);
      const t0 = Date.now();
      for (const n of replicas) n.daemon!.proc.kill("SIGSTOP");
      const appWrite = () => {
        const out = cli(newPrimary.env, newPrimary.pod.address, port, r.usernames.app, r.passwords.app, ["SET", "isolated", "1"]);
        return (out.stdout + out.stderr).trim();
      };
      isolatedPrimaryError = await waitFor("the isolated primary to refuse writes", () => (/^NOREPLICAS/.test(appWrite()) ? appWrite() : false), (a.minReplicasMaxLagSeconds + 10) * 1000, 250);
      isolatedAfterMs = Date.now() - t0;
      for (const n of replicas) n.daemon!.proc.kill("SIGCONT");
      log(`isolated primary refuses writes after ${isolatedAfterMs} ms: ${isolatedPrimaryError}`);
    }

    return {
      downAfterMilliseconds: downAfter,
      quorum: s.quorum,
      primaryBefore: podOf(primaryBefore),
      primaryAfter: podOf(primaryAfter),
      events: [...events].sort((x, y) => x.at - y.at),
      switchMs: switchEvent.at,
      clientRecoveredMs: recoveredAt - killedAt,
      ackedBeforeKill,
      syncedUpTo,
      failedWrites: failed,
      lostIndices,
      ackedAfterFailover: after.length,
      missingAfterFailover,
      sentinelAnswers: sentinelAnswers.map(podOf),
      clientPrimary,
      clientRole,
      oldPrimary: { ...oldPrimary, masterHost: podOf(oldPrimary.masterHost) },
      sentinelsSeeOldPrimaryAsReplica: seen,
      restartedSentinel,
      isolatedPrimaryError,
      isolatedAfterMs,
      maxLagSeconds: a.minReplicasMaxLagSeconds,
    };
  } finally {
    for (const c of clients) c.disconnect();
    for (const n of nodes) {
      n.daemon?.proc.kill("SIGCONT");
      await n.daemon?.stop(2000);
    }
    removeDir(dir);
  }
}
