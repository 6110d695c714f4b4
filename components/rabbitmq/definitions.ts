/**
 * The component's topology objects translated into RabbitMQ's own definitions
 * format (what `load_definitions` reads at boot and `GET /api/definitions`
 * returns), so a real broker can be given exactly the topology the CRs declare.
 * Every field of every CR the component creates is mapped here or listed in
 * NOT_IN_DEFINITIONS with the reason; definitions.test.ts checks both ways.
 */
import { createHash, randomBytes } from "node:crypto";
import type { TopologyObject } from "./spec";

export interface DefinitionsUser {
  name: string;
  password_hash: string;
  hashing_algorithm: "rabbit_password_hashing_sha256";
  tags: string[];
  limits?: Record<string, number>;
}

export interface Definitions {
  users: DefinitionsUser[];
  vhosts: { name: string; metadata?: { description?: string; tags?: string[]; default_queue_type?: string } }[];
  permissions: { user: string; vhost: string; configure: string; write: string; read: string }[];
  exchanges: { name: string; vhost: string; type: string; durable: boolean; auto_delete: boolean; internal: boolean; arguments: Record<string, unknown> }[];
  queues: { name: string; vhost: string; durable: boolean; auto_delete: boolean; arguments: Record<string, unknown> }[];
  bindings: { source: string; vhost: string; destination: string; destination_type: string; routing_key: string; arguments: Record<string, unknown> }[];
  policies: { vhost: string; name: string; pattern: string; "apply-to": string; definition: Record<string, unknown>; priority: number }[];
}

/** CR fields with no definitions counterpart: what the operator does with them, not the broker. */
export const NOT_IN_DEFINITIONS: Readonly<Partial<Record<TopologyObject["kind"], readonly string[]>>> = {
  // The operator's behaviour when the CR is deleted.
  Vhost: ["deletionPolicy"],
  Queue: ["deletionPolicy"],
  // Resolved to a user name and password (hashed below) through the Secret.
  User: ["importCredentialsSecret"],
  // Resolved to the User CR's user name.
  Permission: ["userReference"],
};

/** RabbitMQ's SHA-256 password hash: base64(salt ‖ SHA-256(salt ‖ utf8(password))), 4-byte salt. */
export function rabbitPasswordHash(password: string, salt: Buffer = randomBytes(4)): string {
  const digest = createHash("sha256").update(Buffer.concat([salt, Buffer.from(password, "utf8")])).digest();
  return Buffer.concat([salt, digest]).toString("base64");
}

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/**
 * Definitions of `objects`. `secrets` resolves an importCredentialsSecret name to
 * its `username`/`password` (what the topology operator reads from it); `admins`
 * are extra administrator users (standing in for the operator's default user).
 */
export function toDefinitions(objects: readonly TopologyObject[], secrets: (secretName: string) => Credentials, admins: readonly Credentials[] = []): Definitions {
  const d: Definitions = { users: [], vhosts: [], permissions: [], exchanges: [], queues: [], bindings: [], policies: [] };
  const userByCr = new Map<string, string>();
  for (const a of admins) d.users.push({ name: a.username, password_hash: rabbitPasswordHash(a.password), hashing_algorithm: "rabbit_password_hashing_sha256", tags: ["administrator"] });
  for (const o of objects) {
    const s = o.spec as Record<string, any>;
    switch (o.kind) {
      case "User": {
        const c = secrets(s.importCredentialsSecret.name);
        userByCr.set(o.name, c.username);
        d.users.push({ name: c.username, password_hash: rabbitPasswordHash(c.password), hashing_algorithm: "rabbit_password_hashing_sha256", tags: [...(s.tags ?? [])] });
        break;
      }
      case "Vhost":
        d.vhosts.push({ name: s.name, metadata: { description: "", tags: [...(s.tags ?? [])], ...(s.defaultQueueType ? { default_queue_type: s.defaultQueueType } : {}) } });
        break;
      case "Permission": {
        const user = s.user ?? userByCr.get(s.userReference?.name);
        if (!user) throw new Error(`Permission ${o.name}: user reference ${JSON.stringify(s.userReference)} names no User declared before it`);
        d.permissions.push({ user, vhost: s.vhost, configure: s.permissions.configure ?? "", write: s.permissions.write ?? "", read: s.permissions.read ?? "" });
        break;
      }
      case "Exchange":
        d.exchanges.push({ name: s.name, vhost: s.vhost, type: s.type, durable: s.durable === true, auto_delete: s.autoDelete === true, internal: false, arguments: { ...(s.arguments ?? {}) } });
        break;
      case "Queue":
        d.queues.push({ name: s.name, vhost: s.vhost, durable: s.durable !== false, auto_delete: s.autoDelete === true, arguments: { ...(s.arguments ?? {}), ...(s.type ? { "x-queue-type": s.type } : {}) } });
        break;
      case "Binding":
        d.bindings.push({ source: s.source, vhost: s.vhost, destination: s.destination, destination_type: s.destinationType, routing_key: s.routingKey ?? "", arguments: { ...(s.arguments ?? {}) } });
        break;
      case "Policy":
        d.policies.push({ vhost: s.vhost, name: s.name, pattern: s.pattern, "apply-to": s.applyTo ?? "all", definition: { ...s.definition }, priority: s.priority ?? 0 });
        break;
    }
  }
  return d;
}
