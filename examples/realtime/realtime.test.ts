/**
 * The realtime example, rendered and tested like the stacks: every object
 * schema-valid with an explicit name and namespace, the chat app the only pod
 * that reaches Redis and the pooler; and the app itself (app/server.mjs), two
 * instances on one real Redis booted from the example's own rendered files
 * (Debian's redis-server 7.0.15), as the `app` ACL user: a message sent to one
 * instance reaches a client of the other through the Socket.io Redis adapter.
 * At the edge: the app's own ListenerSet on the platform stack's Gateway and a
 * WebSocket route (upgrade, no request deadline, one hour idle), which only the
 * gateway's Envoy pods may follow to the app's port.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mapSecrets } from "../../render/mocks";
import type { RunResult } from "../../render/run";
import { isKubernetesObject, redact } from "../../render/write";
import { allowed, type Endpoint, type NetworkPolicy } from "../../test/netpol";
import { freePort, makeTempDir, removeDir, waitFor, type Daemon } from "../../test/procs";
import { podFilesFor } from "../../test/redis/render";
import { loopbackNetwork, makePod, nssEnv, REDIS, requireRedisPrograms, startAndWait, writeFiles, writeHosts } from "../../test/redis/servers";
import { validateObject } from "../../test/k8s-schema";
import { ENVOY_GATEWAY_NAMESPACE, envoyDataPlaneLabels } from "../../components/edge/versions";
import { APP, realtimeEdge, realtimeRedisArgs } from "./index";
import { renderRealtime } from "./program";

const objects = (run: RunResult, kind?: string) =>
  run.recorder.resources.filter((r) => isKubernetesObject(r) && (kind === undefined || r.inputs.kind === kind)).map((r) => redact(r.inputs) as Record<string, any>);
const named = (run: RunResult, kind: string, name: string) => {
  const o = objects(run, kind).find((x) => x.metadata.name === name);
  if (!o) throw new Error(`${run.stack}: no ${kind} ${name}`);
  return o;
};

const runs = new Map<string, RunResult>();
beforeAll(async () => {
  for (const s of ["dev", "prod"]) runs.set(s, await renderRealtime(s));
}, 120_000);

describe.each(["dev", "prod"])("realtime example, stack %s", (stack) => {
  it("renders schema-valid objects, each with an explicit name and namespace", async () => {
    const run = runs.get(stack)!;
    const problems: string[] = [];
    for (const o of objects(run)) {
      const r = await validateObject(o);
      if (r.status === "invalid") problems.push(`${o.kind} ${o.metadata.name}: ${r.error}`);
      if (o.kind !== "Namespace" && o.metadata.namespace !== `realtime-${stack}`) problems.push(`${o.kind} ${o.metadata.name} in ${o.metadata.namespace}`);
    }
    expect(problems).toEqual([]);
  });

  it("gives the chat app its Redis (Sentinel on prod) and database by Secret reference", () => {
    const run = runs.get(stack)!;
    const c = named(run, "Deployment", "chat").spec.template.spec.containers[0];
    const env = Object.fromEntries(c.env.map((e: { name: string; value?: string; valueFrom?: unknown }) => [e.name, e.value ?? e.valueFrom]));
    if (stack === "prod") {
      expect(env.REDIS_SENTINEL_MASTER).toBe("mymaster");
      expect(env.REDIS_SENTINELS).toContain("redis-sentinel-0.redis-sentinel-headless.realtime-prod.svc.cluster.local:26379");
      expect(named(run, "StatefulSet", "redis").spec.replicas).toBe(3);
    } else {
      expect(env.REDIS_HOST).toBe("redis.realtime-dev.svc.cluster.local");
    }
    expect(env.REDIS_PASSWORD).toEqual({ secretKeyRef: { name: "redis", key: "password" } });
    expect(env.PGHOST).toBe(`chat-db-pooler-rw.realtime-${stack}.svc.cluster.local`);
    // Exposed through the gateway only: no Ingress.
    expect(objects(run, "Ingress")).toEqual([]);
  });

  it("routes chat.<domain> through its own ListenerSet on the platform's Gateway, WebSocket-safe", () => {
    const run = runs.get(stack)!;
    const ns = `realtime-${stack}`;
    const edge = realtimeEdge(stack);
    const ls = named(run, "ListenerSet", "edge");
    expect(ls.metadata.namespace).toBe(ns);
    expect(ls.spec.parentRef).toMatchObject({ kind: "Gateway", name: "edge", namespace: `platform-${stack}` });
    expect(ls.spec.listeners.map((l: { hostname: string }) => l.hostname)).toContain(`*.${edge.domain}`);
    expect(named(run, "Certificate", "edge-public").spec.dnsNames).toEqual([edge.host]);
    const routes = objects(run, "HTTPRoute");
    expect(routes).toHaveLength(1);
    const route = routes[0]!;
    expect(route.metadata.namespace).toBe(ns);
    expect(route.spec.hostnames).toEqual([edge.host]);
    expect(route.spec.parentRefs).toEqual([expect.objectContaining({ kind: "ListenerSet", name: "edge", namespace: ns })]);
    const rule = route.spec.rules[0];
    expect(rule.backendRefs).toEqual([expect.objectContaining({ name: APP })]);
    // No request deadline on a connection that lives for hours.
    expect(rule.timeouts).toEqual({ request: "0s" });
    const policies = objects(run, "BackendTrafficPolicy").filter((p) => p.spec.targetRefs.some((t: { name: string }) => t.name === route.metadata.name));
    expect(policies).toHaveLength(1);
    expect(policies[0]!.spec.httpUpgrade).toEqual([{ type: "websocket" }]);
    expect(policies[0]!.spec.timeout.http.streamIdleTimeout).toBe("3600s");
    // Nothing buffers responses: no filters on the route.
    expect(rule.filters ?? []).toEqual([]);
  });

  it("admits the gateway's Envoy pods, and nothing else from outside, to the app's port", () => {
    const run = runs.get(stack)!;
    const ns = `realtime-${stack}`;
    const policies = objects(run, "NetworkPolicy") as NetworkPolicy[];
    const chat: Endpoint = { name: APP, namespace: ns, labels: named(run, "Deployment", APP).spec.template.metadata.labels };
    const envoy: Endpoint = { name: "envoy", namespace: ENVOY_GATEWAY_NAMESPACE, labels: envoyDataPlaneLabels({ name: "edge", namespace: `platform-${stack}` }) };
    const stranger: Endpoint = { name: "x", namespace: "other", labels: { app: "x" } };
    expect(allowed(policies, envoy, chat, 3000)).toBe(true);
    expect(allowed(policies, stranger, chat, 3000)).toBe(false);
  });

  it("lets only the chat app reach Redis and the pooler", () => {
    const run = runs.get(stack)!;
    const policies = objects(run, "NetworkPolicy") as NetworkPolicy[];
    const ns = `realtime-${stack}`;
    const pod = (kind: string, name: string): Endpoint => ({ name, namespace: ns, labels: named(run, kind, name).spec.template.metadata.labels });
    const chat = pod("Deployment", "chat");
    const redis = pod("StatefulSet", "redis");
    const debug: Endpoint = { name: "debug", namespace: ns, labels: { run: "debug" } };
    const pooler: Endpoint = { name: "pooler", namespace: ns, labels: { "cnpg.io/poolerName": "chat-db-pooler-rw" } };
    expect(allowed(policies, chat, redis, 6379)).toBe(true);
    expect(allowed(policies, debug, redis, 6379)).toBe(false);
    expect(allowed(policies, chat, pooler, 5432)).toBe(true);
    if (stack === "prod") {
      const sentinel = pod("StatefulSet", "redis-sentinel");
      expect(allowed(policies, chat, sentinel, 26379)).toBe(true);
      expect(allowed(policies, debug, sentinel, 26379)).toBe(false);
    }
  });
});

describe("the app, scaled out: two instances share broadcasts through Redis", () => {
  const procs: ChildProcess[] = [];
  const sockets: Socket[] = [];
  let redis: Daemon | undefined;
  let dir = "";
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    for (const p of procs) p.kill("SIGTERM");
    await redis?.stop(2000);
    if (dir) removeDir(dir);
  });

  it("a chat message sent to instance A reaches a client connected to instance B", async () => {
    requireRedisPrograms();
    dir = makeTempDir("realtime");
    const run = runs.get("dev")!;
    const raw = run.recorder.resources.filter(isKubernetesObject).map((r) => mapSecrets(r.inputs, (v) => v) as Record<string, any>);
    const find = (kind: string, name: string) => raw.find((o) => o.kind === kind && o.metadata.name === name)!;
    const passwords = { app: find("Secret", "redis").stringData.password as string, admin: find("Secret", "redis-admin").stringData.password as string };
    const rendered = { config: find("ConfigMap", "redis-config").data, secret: find("Secret", "redis-config").stringData };
    const net = loopbackNetwork(1);
    const port = await net.port();
    const p = makePod(dir, "redis-0", "redis-0.redis-headless.realtime-dev.svc.cluster.local", net.addresses[0]!);
    const files = podFilesFor(realtimeRedisArgs("dev", "realtime-dev", passwords), rendered, passwords, { port, paths: p.paths });
    writeFiles(p.paths.config, files.config);
    writeFiles(p.paths.secret, files.secret);
    redis = await startAndWait(REDIS.server, [join(p.paths.config, "redis.conf"), "--bind", p.address], {
      env: nssEnv(writeHosts(p.root, [p])),
      logFile: join(p.root, "redis.log"),
      address: p.address,
      port,
      user: "admin",
      password: passwords.admin,
    });

    const start = async (name: string) => {
      const httpPort = await freePort();
      const proc = spawn(process.execPath, [join(__dirname, "app", "server.mjs")], {
        env: { PATH: process.env.PATH, POD_NAME: name, PORT: String(httpPort), BIND: "127.0.0.1", REDIS_HOST: p.address, REDIS_PORT: String(port), REDIS_USERNAME: "app", REDIS_PASSWORD: passwords.app, REDIS_TLS: "false" },
        stdio: "ignore",
      });
      procs.push(proc);
      await waitFor(`${name} healthy`, async () => (await fetch(`http://127.0.0.1:${httpPort}/healthz`).catch(() => undefined))?.status === 200, 20_000, 100);
      return httpPort;
    };
    const [a, b] = [await start("chat-a"), await start("chat-b")];
    const client = async (httpPort: number) => {
      const s = connect(`http://127.0.0.1:${httpPort}`, { transports: ["websocket"], reconnection: false });
      sockets.push(s);
      await new Promise<void>((resolve, reject) => {
        s.once("connect", resolve);
        s.once("connect_error", reject);
      });
      s.emit("join", "room-1");
      return s;
    };
    const [onA, onB] = [await client(a), await client(b)];
    await new Promise((r) => setTimeout(r, 200));
    const received = new Promise<{ room: string; text: string; via: string }>((resolve) => onB.once("chat", resolve));
    onA.emit("chat", "room-1", "hello from A");
    const msg = await Promise.race([received, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no broadcast reached instance B in 5 s")), 5000))]);
    expect(msg).toEqual({ room: "room-1", text: "hello from A", via: "chat-a" });
  }, 90_000);
});
