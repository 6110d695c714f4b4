/**
 * The CR → definitions translation, field by field: every field of every CR the
 * component creates lands in the definitions (same value, RabbitMQ's name for
 * it) or is listed in NOT_IN_DEFINITIONS. The real broker then proves RabbitMQ
 * accepts the result (test/rabbitmq/broker.test.ts).
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { resolveRabbitMqArgs } from "./args";
import { BASE } from "../../test/rabbitmq/fixtures";
import { NOT_IN_DEFINITIONS, rabbitPasswordHash, toDefinitions } from "./definitions";
import { topology } from "./spec";

const a = resolveRabbitMqArgs("rabbitmq", {
  ...BASE,
  deletionPolicy: "retain",
  apps: [...BASE.apps, { name: "worker", user: { username: "worker", secretName: "rabbitmq-worker" }, podLabels: { app: "worker" }, permissions: { configure: "^tmp\\.", write: "^jobs$", read: ".*" }, queues: [{ name: "jobs" }] }],
});
const objs = topology(a);
const secrets = (name: string) => ({ username: name === "rabbitmq" ? "app" : "worker", password: `${name}-pw` });
const d = toDefinitions(objs, secrets, [{ username: "admin", password: "admin-pw" }]);

/** CR field → definitions field, per kind. */
const FIELD_MAP: Record<string, Record<string, string>> = {
  Vhost: { name: "name", tags: "metadata.tags", defaultQueueType: "metadata.default_queue_type" },
  User: { tags: "tags" },
  Permission: { vhost: "vhost", "permissions.configure": "configure", "permissions.write": "write", "permissions.read": "read" },
  Exchange: { name: "name", vhost: "vhost", type: "type", durable: "durable", autoDelete: "auto_delete" },
  Queue: { name: "name", vhost: "vhost", durable: "durable", autoDelete: "auto_delete", type: "arguments.x-queue-type" },
  Binding: { vhost: "vhost", source: "source", destination: "destination", destinationType: "destination_type", routingKey: "routing_key" },
  Policy: { name: "name", vhost: "vhost", pattern: "pattern", applyTo: "apply-to", priority: "priority", definition: "definition" },
};
const SECTION: Record<string, keyof typeof d> = { Vhost: "vhosts", User: "users", Permission: "permissions", Exchange: "exchanges", Queue: "queues", Binding: "bindings", Policy: "policies" };

const get = (o: any, path: string) => path.split(".").reduce((x, k) => x?.[k], o);
const leaves = (o: Record<string, unknown>, prefix = ""): string[] =>
  Object.entries(o).flatMap(([k, v]) => (v && typeof v === "object" && !Array.isArray(v) && k !== "definition" ? leaves(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));

describe("toDefinitions", () => {
  it("maps every field of every CR, or names why it has no counterpart", () => {
    const unmapped: string[] = [];
    for (const o of objs) {
      for (const f of leaves(o.spec as Record<string, unknown>)) {
        const covered = f in FIELD_MAP[o.kind]! || (NOT_IN_DEFINITIONS[o.kind] ?? []).some((n) => f === n || f.startsWith(`${n}.`));
        if (!covered) unmapped.push(`${o.kind}.${f}`);
      }
    }
    expect(unmapped).toEqual([]);
  });

  it("carries each CR's values into exactly one definitions entry", () => {
    for (const kind of Object.keys(FIELD_MAP)) {
      const crs = objs.filter((o) => o.kind === kind);
      const entries = d[SECTION[kind]!] as any[];
      // The admin user is extra (standing in for the operator's default user).
      expect(entries.length, kind).toBe(crs.length + (kind === "User" ? 1 : 0));
      for (const cr of crs) {
        const matches = entries.filter(
          (e) =>
            Object.entries(FIELD_MAP[kind]!).every(([crField, defField]) => JSON.stringify(get(e, defField)) === JSON.stringify(get(cr.spec, crField))) &&
            // A User's name is what its Secret says.
            (kind !== "User" || e.name === secrets((cr.spec as any).importCredentialsSecret.name).username),
        );
        expect(matches, `${kind} ${cr.name}`).toHaveLength(1);
      }
    }
  });

  it("resolves users through their Secret and permissions through the User CR", () => {
    expect(d.users.map((u) => [u.name, u.tags])).toEqual([["admin", ["administrator"]], ["app", []], ["worker", []]]);
    expect(d.permissions).toEqual([
      { user: "app", vhost: "core-api", configure: "^$", write: ".*", read: ".*" },
      { user: "worker", vhost: "worker", configure: "^tmp\\.", write: "^jobs$", read: ".*" },
    ]);
  });

  it("hashes passwords as RabbitMQ's rabbit_password_hashing_sha256 does", () => {
    const salt = Buffer.from([1, 2, 3, 4]);
    const h = Buffer.from(rabbitPasswordHash("s3cret", salt), "base64");
    expect(h.subarray(0, 4)).toEqual(salt);
    expect(h.subarray(4)).toEqual(createHash("sha256").update(Buffer.concat([salt, Buffer.from("s3cret")])).digest());
    expect(d.users.every((u) => u.hashing_algorithm === "rabbit_password_hashing_sha256")).toBe(true);
  });

  it("throws when a Permission references no declared User", () => {
    const perm = objs.find((o) => o.kind === "Permission")!;
    expect(() => toDefinitions([perm], secrets)).toThrow(/names no User declared before it/);
  });
});
