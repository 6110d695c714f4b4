/**
 * A real RabbitMQ broker (Debian 12: rabbitmq-server 3.10.8) for the tests, on
 * 127.0.0.1 with free ports, its own epmd (never the shared 4369), a unique node
 * name and every file in a temp dir; definitions loaded at boot. Always stopped:
 * `stop()` (afterAll) and a process-exit hook kill the node and its epmd by PID.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { Definitions } from "../../components/rabbitmq/definitions";
import { freePort, makeTempDir, removeDir, requireProgram, run, startDaemon, waitFor, type Daemon, type RunResult } from "../procs";

export const RABBITMQ = {
  server: "/usr/lib/rabbitmq/bin/rabbitmq-server",
  ctl: "/usr/lib/rabbitmq/bin/rabbitmqctl",
  epmd: "/usr/bin/epmd",
} as const;

export function requireRabbitPrograms(): void {
  for (const p of Object.values(RABBITMQ)) requireProgram(p);
}

export interface Broker {
  readonly amqpPort: number;
  readonly managementPort: number;
  readonly prometheusPort: number;
  readonly nodeName: string;
  readonly dir: string;
  /** rabbitmqctl against this node. */
  ctl(...args: string[]): RunResult;
  /** Management HTTP API call as `user`. */
  api(path: string, user: { username: string; password: string }, init?: RequestInit): Promise<Response>;
  /** The broker's log (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

export interface BrokerOptions {
  readonly definitions: Definitions;
  /** rabbitmq.conf lines to add (the component's additionalConfig). */
  readonly extraConfig?: string;
  /** Plugins to enable. @default ["rabbitmq_management", "rabbitmq_prometheus"] */
  readonly plugins?: readonly string[];
}

export async function startBroker(o: BrokerOptions): Promise<Broker> {
  requireRabbitPrograms();
  const dir = makeTempDir("rabbitmq");
  const home = join(dir, "home");
  mkdirSync(home);
  const cookie = join(home, ".erlang.cookie");
  writeFileSync(cookie, randomBytes(20).toString("hex"));
  chmodSync(cookie, 0o400);
  const [amqpPort, managementPort, prometheusPort, epmdPort, ctlPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  // The distribution port is AMQP port + 20000 by default: set it explicitly to another free one.
  const distPort = await freePort();
  const nodeName = `platform${randomBytes(4).toString("hex")}@localhost`;
  const defsFile = join(dir, "definitions.json");
  writeFileSync(defsFile, JSON.stringify(o.definitions, null, 2));
  const conf = join(dir, "rabbitmq.conf");
  writeFileSync(
    conf,
    [
      `listeners.tcp.default = 127.0.0.1:${amqpPort}`,
      `management.tcp.ip = 127.0.0.1`,
      `management.tcp.port = ${managementPort}`,
      `prometheus.tcp.ip = 127.0.0.1`,
      `prometheus.tcp.port = ${prometheusPort}`,
      `load_definitions = ${defsFile}`,
      `log.console = false`,
      `log.file.level = info`,
      o.extraConfig ?? "",
    ].join("\n"),
  );
  const plugins = join(dir, "enabled_plugins");
  writeFileSync(plugins, `[${(o.plugins ?? ["rabbitmq_management", "rabbitmq_prometheus"]).join(",")}].\n`);
  const pidFile = join(dir, "rabbit.pid");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    LANG: "C.UTF-8",
    HOME: home,
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, "mnesia"),
    RABBITMQ_LOG_BASE: join(dir, "log"),
    RABBITMQ_CONFIG_FILE: conf,
    RABBITMQ_ENABLED_PLUGINS_FILE: plugins,
    RABBITMQ_PID_FILE: pidFile,
    RABBITMQ_CTL_DIST_PORT_MIN: String(ctlPort),
    RABBITMQ_CTL_DIST_PORT_MAX: String(ctlPort + 10),
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: "127.0.0.1",
  };
  const daemons: Daemon[] = [];
  const epmd = startDaemon(RABBITMQ.epmd, ["-address", "127.0.0.1", "-port", String(epmdPort)], { env, logFile: join(dir, "epmd.log") });
  daemons.push(epmd);
  const server = startDaemon(RABBITMQ.server, [], { env, logFile: join(dir, "server.log") });
  daemons.push(server);
  const ctl = (...args: string[]) => run(RABBITMQ.ctl, ["-n", nodeName, ...args], { env, timeout: 120_000 });
  const logText = () => {
    for (const f of [join(dir, "log", `${nodeName}.log`), join(dir, "server.log")]) {
      try {
        const t = readFileSync(f, "utf8");
        if (t.trim()) return t.slice(-4000);
      } catch {
        /* not written yet */
      }
    }
    return "";
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      if (server.proc.exitCode === null) run(RABBITMQ.ctl, ["-n", nodeName, "stop", pidFile], { env, timeout: 60_000 });
    } catch {
      /* killed below */
    }
    await server.stop(5000);
    await epmd.stop(2000);
    removeDir(dir);
  };
  process.once("exit", () => {
    // Safety net (afterAll normally ran): the beam process may outlive the launcher script.
    try {
      const pid = Number(readFileSync(pidFile, "utf8").trim());
      if (pid > 0) process.kill(pid, "SIGKILL");
    } catch {
      /* gone */
    }
  });
  try {
    await waitFor(
      "rabbitmq-server to write its pid file",
      () => {
        if (server.proc.exitCode !== null) throw new Error(`rabbitmq-server exited with ${server.proc.exitCode}: ${logText()}`);
        try {
          return readFileSync(pidFile, "utf8").trim().length > 0;
        } catch {
          return false;
        }
      },
      240_000,
      500,
    );
    const w = ctl("wait", "--timeout", "240", pidFile);
    if (w.code !== 0) throw new Error(`rabbitmqctl wait failed: ${w.stdout}${w.stderr}\n${logText()}`);
    const s = ctl("await_startup", "--timeout", "240");
    if (s.code !== 0) throw new Error(`rabbitmqctl await_startup failed: ${s.stdout}${s.stderr}\n${logText()}`);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    amqpPort,
    managementPort,
    prometheusPort,
    nodeName,
    dir,
    ctl,
    api: (path, user, init) =>
      fetch(`http://127.0.0.1:${managementPort}/api${path}`, {
        ...init,
        headers: { authorization: `Basic ${Buffer.from(`${user.username}:${user.password}`).toString("base64")}`, "content-type": "application/json", ...(init?.headers ?? {}) },
      }),
    log: logText,
    stop,
  };
}
