/**
 * The component's topology on a real broker: Debian's rabbitmq-server 3.10.8 on
 * 127.0.0.1, booted with the definitions the library translates from the CRs it
 * renders, driven by a real AMQP 0-9-1 client (amqplib).
 *
 * What 3.10 proves for the 4.2 line the stacks run: the definitions of every CR
 * field (vhosts, users, permissions, quorum queues, exchanges, bindings,
 * policies) load; permissions confine an app to its vhost; guest cannot log in;
 * a policy's dead-letter settings and delivery limit apply to the quorum queue it
 * names; rejected and over-limit messages reach the DLQ; the metric names the
 * alerts and dashboard read. What it does not: 4.x defaults (quorum queues get
 * delivery-limit 20 without a policy and drop over-limit messages unless a DLX is
 * set — the component always sets both, so behaviour is the same), 4.x-only
 * policy targets (`quorum_queues`; the component uses `queues`), Khepri, and
 * anything the operators do (they are not run here).
 */
import * as amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricNamesInExpr, rabbitmqRuleGroups } from "../../alerts";
import { isAlertRule } from "../../alerts/types";
import { resolveRabbitMqArgs } from "../../components/rabbitmq/args";
import { toDefinitions, type Definitions } from "../../components/rabbitmq/definitions";
import { brokerServiceMonitorSpec } from "../../components/rabbitmq/monitoring";
import { additionalConfig, topology } from "../../components/rabbitmq/spec";
import { dashboardQueries, rabbitmqDashboards } from "../../dashboards/index";
import { waitFor } from "../procs";
import { startBroker, type Broker } from "./broker";
import { BASE } from "./fixtures";

const DELIVERY_LIMIT = 2;
const a = resolveRabbitMqArgs("rabbitmq", {
  ...BASE,
  replicas: 1,
  storageSize: "2Gi",
  deliveryLimit: DELIVERY_LIMIT,
  apps: [
    BASE.apps[0]!,
    { name: "worker", user: { username: "worker", secretName: "rabbitmq-worker" }, podLabels: { app: "worker" }, queues: [{ name: "jobs" }] },
  ],
});
const PASSWORDS: Record<string, { username: string; password: string }> = {
  rabbitmq: { username: "app", password: "app-Pw-0123456789" },
  "rabbitmq-worker": { username: "worker", password: "worker-Pw-0123456789" },
};
const ADMIN = { username: "operator", password: "operator-Pw-0123456789" };
const objects = topology(a);
const definitions: Definitions = toDefinitions(objects, (s) => PASSWORDS[s]!, [ADMIN]);

let broker: Broker;
const url = (user: { username: string; password: string }, vhost: string) => `amqp://${user.username}:${user.password}@127.0.0.1:${broker.amqpPort}/${encodeURIComponent(vhost)}`;
const open: amqp.ChannelModel[] = [];
async function connect(user: { username: string; password: string }, vhost: string): Promise<amqp.ChannelModel> {
  const c = await amqp.connect(url(user, vhost));
  c.on("error", () => undefined);
  open.push(c);
  return c;
}
const app = PASSWORDS.rabbitmq!;

beforeAll(async () => {
  broker = await startBroker({ definitions, extraConfig: additionalConfig(a) });
}, 300_000);
afterAll(async () => {
  for (const c of open) await c.close().catch(() => undefined);
  await broker?.stop();
}, 120_000);

describe("rabbitmq-server 3.10 with the component's topology", () => {
  it("loaded every vhost, permission, queue, exchange, binding and policy as declared", async () => {
    const res = await broker.api("/definitions", ADMIN);
    expect(res.status).toBe(200);
    const live = (await res.json()) as Definitions;
    // Key order is not part of the definitions format.
    const canon = (x: unknown): unknown =>
      Array.isArray(x) ? x.map(canon) : x && typeof x === "object" ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, canon((x as Record<string, unknown>)[k])])) : x;
    const key = (x: unknown) => JSON.stringify(canon(x));
    const sort = <T>(xs: T[]) => [...xs].map(key).sort();
    expect(sort(live.vhosts.map((v) => v.name))).toEqual(sort(definitions.vhosts.map((v) => v.name)));
    expect(sort(live.permissions)).toEqual(sort(definitions.permissions));
    expect(sort(live.queues)).toEqual(sort(definitions.queues));
    expect(sort(live.exchanges)).toEqual(sort(definitions.exchanges));
    expect(sort(live.bindings)).toEqual(sort(definitions.bindings));
    expect(sort(live.policies)).toEqual(sort(definitions.policies));
    expect(sort(live.users.map((u) => [u.name, u.tags]))).toEqual(sort(definitions.users.map((u) => [u.name, u.tags])));
    // 3.10 exports no vhost metadata, but stores the default queue type.
    const vhosts = broker.ctl("list_vhosts", "name", "default_queue_type", "--formatter", "json");
    expect(vhosts.code, vhosts.stderr).toBe(0);
    expect(JSON.parse(vhosts.stdout)).toEqual(expect.arrayContaining(a.apps.map((x) => ({ name: x.vhost, default_queue_type: "quorum" }))));
  });

  it("applies each work queue's dead-letter policy to it (and none to the DLQs), as quorum queues", async () => {
    const r = broker.ctl("list_queues", "-p", "core-api", "name", "type", "policy", "--formatter", "json");
    expect(r.code, r.stderr).toBe(0);
    const byName = Object.fromEntries((JSON.parse(r.stdout) as { name: string; type: string; policy: string }[]).map((q) => [q.name, q]));
    for (const q of a.apps[0]!.queues) {
      expect(byName[q.name]).toMatchObject({ type: "quorum", policy: `${q.name}-dead-letter` });
      expect(byName[q.deadLetterQueue]).toMatchObject({ type: "quorum", policy: "" });
      // The management API fills effective_policy_definition in with its next stats round (seconds, more under load).
      const live = await waitFor(
        `${q.name}'s effective policy in the management API`,
        async () => {
          const r = (await (await broker.api(`/queues/core-api/${encodeURIComponent(q.name)}`, ADMIN)).json()) as { effective_policy_definition?: Record<string, unknown> };
          return r.effective_policy_definition && Object.keys(r.effective_policy_definition).length > 0 ? r : undefined;
        },
        60_000,
        1000,
      );
      expect(live.effective_policy_definition).toMatchObject({ "dead-letter-exchange": q.deadLetterExchange, "delivery-limit": q.deliveryLimit, "dead-letter-strategy": "at-least-once" });
    }
  });

  it("refuses guest (there is none) over AMQP and the management API", async () => {
    await expect(amqp.connect(`amqp://guest:guest@127.0.0.1:${broker.amqpPort}/core-api`)).rejects.toThrow(/ACCESS_REFUSED|403/);
    await expect(amqp.connect(`amqp://guest:guest@127.0.0.1:${broker.amqpPort}/`)).rejects.toThrow(/ACCESS_REFUSED|403/);
    expect((await broker.api("/overview", { username: "guest", password: "guest" })).status).toBe(401);
  });

  it("lets the app publish and consume in its own vhost only, and never reshape the topology", async () => {
    const c = await connect(app, "core-api");
    const ch = await c.createConfirmChannel();
    ch.sendToQueue("notifications", Buffer.from("hello"), { persistent: true });
    await ch.waitForConfirms();
    const got = await waitFor("the message", async () => (await ch.get("notifications", { noAck: true })) || undefined, 10_000);
    expect(got.content.toString()).toBe("hello");
    // Another app's vhost: the broker closes the connection at connection.open (amqplib does not surface
    // the reply text of a handshake close; the broker's log names the reason).
    await expect(amqp.connect(url(app, "worker"))).rejects.toThrow(/Expected ConnectionOpenOk; got <ConnectionClose/);
    await expect(amqp.connect(url(PASSWORDS["rabbitmq-worker"]!, "core-api"))).rejects.toThrow(/Expected ConnectionOpenOk; got <ConnectionClose/);
    await waitFor("the refusals in the broker's log", () => /access to vhost 'worker' refused for user 'app'/.test(broker.log()) && /access to vhost 'core-api' refused for user 'worker'/.test(broker.log()), 10_000);
    // configure "^$": declaring (or deleting) a queue is refused.
    const ch2 = await c.createChannel();
    ch2.on("error", () => undefined);
    await expect(ch2.assertQueue("sneaky", { durable: true })).rejects.toThrow(/ACCESS_REFUSED/);
    // A wrong password is refused.
    await expect(amqp.connect(url({ username: "app", password: "wrong" }, "core-api"))).rejects.toThrow(/ACCESS_REFUSED|403/);
  });

  it("dead-letters a message rejected without requeue into <queue>.dlq", async () => {
    const c = await connect(app, "core-api");
    const ch = await c.createConfirmChannel();
    ch.sendToQueue("notifications", Buffer.from("poison"), { persistent: true, messageId: "reject-1" });
    await ch.waitForConfirms();
    const m = await waitFor("the message", async () => (await ch.get("notifications", { noAck: false })) || undefined, 10_000);
    ch.nack(m, false, false);
    const dead = await waitFor("the dead letter", async () => (await ch.get("notifications.dlq", { noAck: true })) || undefined, 15_000);
    expect(dead.properties.messageId).toBe("reject-1");
    expect(dead.properties.headers?.["x-first-death-reason"]).toBe("rejected");
    expect(dead.properties.headers?.["x-first-death-queue"]).toBe("notifications");
  });

  it("dead-letters a message redelivered past its queue's delivery limit (a policy) into <queue>.dlq", async () => {
    const c = await connect(app, "core-api");
    const ch = await c.createConfirmChannel();
    ch.sendToQueue("exports", Buffer.from("flaky"), { persistent: true, messageId: "limit-1" });
    await ch.waitForConfirms();
    // The exports queue overrides the limit to 5 in the fixture; the component's default applies to notifications.
    const limit = a.apps[0]!.queues.find((q) => q.name === "exports")!.deliveryLimit;
    let deliveries = 0;
    for (let i = 0; i < limit + 5; i++) {
      const m = await waitFor("a delivery", async () => (await ch.get("exports", { noAck: false })) || (await ch.get("exports.dlq", { noAck: true })) || undefined, 10_000);
      if (m.fields.routingKey === "exports.dlq" || m.properties.headers?.["x-first-death-reason"]) {
        expect(m.properties.messageId).toBe("limit-1");
        expect(m.properties.headers?.["x-first-death-reason"]).toBe("delivery_limit");
        break;
      }
      deliveries++;
      ch.nack(m, false, true);
    }
    // Delivered once plus `limit` redeliveries, then dead-lettered.
    expect(deliveries).toBe(limit + 1);
  });

  it("serves every rabbitmq_* metric the alerts and the dashboard read, through the endpoint the ServiceMonitor keeps it from", async () => {
    const fetchText = async (path: string) => (await fetch(`http://127.0.0.1:${broker.prometheusPort}${path}`)).text();
    const names = (text: string) => new Set(text.split("\n").filter((l) => l && !l.startsWith("#")).map((l) => l.split(/[{ ]/)[0]!));
    const endpoints = (brokerServiceMonitorSpec(a) as { endpoints: { path: string; metricRelabelings: { action: string; regex: string }[] }[] }).endpoints;
    const served = new Set<string>();
    const scrape = async () => {
      for (const e of endpoints) {
        const re = new RegExp(`^(?:${e.metricRelabelings[0]!.regex})$`);
        const keep = e.metricRelabelings[0]!.action === "keep";
        for (const n of names(await fetchText(e.path))) if (re.test(n) === keep) served.add(n);
      }
    };
    const used = new Set<string>();
    for (const g of rabbitmqRuleGroups({ runbookBaseUrl: "https://x" })) for (const r of g.rules) if (isAlertRule(r)) for (const n of metricNamesInExpr(r.expr)) used.add(n);
    for (const d of rabbitmqDashboards()) for (const q of dashboardQueries(d.json)) for (const n of metricNamesInExpr(q.expr)) used.add(n);
    // Per-queue series appear once the queues' metrics were collected (every few seconds; longer under load).
    const missingNow = () => [...used].filter((n) => n.startsWith("rabbitmq_") && !served.has(n));
    await waitFor("the per-queue metrics", async () => (await scrape(), missingNow().length === 0), 60_000, 2000).catch(() => undefined);
    expect(missingNow()).toEqual([]);
    expect(used.size).toBeGreaterThan(10);
    // Per-queue series with the labels the alerts group by.
    const perObject = await fetchText("/metrics/per-object");
    expect(perObject).toMatch(/^rabbitmq_queue_messages\{vhost="core-api",queue="notifications.dlq"\} \d+$/m);
    expect(perObject).toMatch(/^rabbitmq_queue_consumers\{vhost="core-api",queue="notifications"\} \d+$/m);
    const node = await fetchText("/metrics");
    expect(node).toMatch(/^rabbitmq_global_messages_dead_lettered_rejected_total\{queue_type="rabbit_quorum_queue",dead_letter_strategy="at_least_once"\} [1-9]/m);
    expect(node).toMatch(/^rabbitmq_global_messages_dead_lettered_delivery_limit_total\{queue_type="rabbit_quorum_queue",dead_letter_strategy="at_least_once"\} [1-9]/m);
  });
});
