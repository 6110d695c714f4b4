import { describe, expect, it } from "vitest";
import { PlatformConfigError } from "../lib/errors";
import { BASE } from "../../test/rabbitmq/fixtures";
import { resolveRabbitMqArgs, type RabbitMqArgs } from "./args";


const bad = (changes: Partial<RabbitMqArgs>) => () => resolveRabbitMqArgs("rabbitmq", { ...BASE, ...changes });

describe("resolveRabbitMqArgs", () => {
  it("resolves defaults: the pinned 4.2 image, delivery limit 20, DLX/DLQ names, disk limit within the volume", () => {
    const a = resolveRabbitMqArgs("rabbitmq", BASE);
    expect(a.image).toBe("docker.io/library/rabbitmq:4.2.6-management");
    expect(a.deliveryLimit).toBe(20);
    expect(a.host).toBe("rabbitmq.shop.svc.cluster.local");
    expect(a.apps[0]!.vhost).toBe("core-api");
    expect(a.apps[0]!.permissions).toEqual({ configure: "^$", write: ".*", read: ".*" });
    expect(a.apps[0]!.queues).toEqual([
      { name: "notifications", deadLetterExchange: "notifications.dlx", deadLetterQueue: "notifications.dlq", deliveryLimit: 20 },
      { name: "exports", deadLetterExchange: "exports.dlx", deadLetterQueue: "exports.dlq", deliveryLimit: 5, messageTtlMs: 3_600_000 },
    ]);
    expect(a.diskFreeLimitBytes).toBe(2_000_000_000);
    expect(resolveRabbitMqArgs("rabbitmq", { ...BASE, storageSize: "2Gi" }).diskFreeLimitBytes).toBe(Math.floor(2 * 2 ** 30 * 0.2));
    expect(a.deletionPolicy).toBe("delete");
  });

  it.each([
    [{ replicas: 2 }, /replicas must be 1 or odd.*got 2/],
    [{ replicas: 0 }, /replicas must be an integer between 1 and 9, got 0/],
    [{ storageSize: "512Mi" }, /storageSize must be a Kubernetes quantity of at least "1Gi", got "512Mi"/],
    [{ image: "rabbitmq:latest" }, /image must be pinned/],
    [{ deliveryLimit: 0 }, /deliveryLimit must be an integer between 1 and 1000, got 0/],
    [{ diskFreeLimitBytes: 30 * 2 ** 30 }, /diskFreeLimitBytes must be an integer of at least 50000000 and below storageSize/],
    [{ resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "128Mi" } } }, /resources.limits.memory must be at least "256Mi"/],
    [{ deletionPolicy: "keep" as "retain" }, /deletionPolicy must be "delete" or "retain", got "keep"/],
  ])("rejects %j", (changes, msg) => {
    expect(bad(changes)).toThrow(PlatformConfigError);
    expect(bad(changes)).toThrow(msg);
  });

  it("rejects bad apps: shared vhosts or users, the operator's default user, guest, empty selectors, bad queue names", () => {
    const app = BASE.apps[0]!;
    const cases: [RabbitMqArgs["apps"], RegExp][] = [
      [[app, { ...app, name: "worker", user: { username: "w", secretName: "w" } , vhost: "core-api" }], /apps\[1\].vhost is used by another app.*got "core-api"/],
      [[app, { ...app, name: "worker", user: { ...app.user, secretName: "w" } }], /apps\[1\].user.username is used by another app, got "app"/],
      [[{ ...app, user: { username: "app", secretName: "rabbitmq-default-user" } }], /apps\[0\].user.secretName is the operator's default \(administrator\) user/],
      [[{ ...app, user: { username: "guest", secretName: "x" } }], /apps\[0\].user.username must be .*not "guest"/],
      [[{ ...app, podLabels: {} }], /apps\[0\].podLabels must select some pods/],
      [[{ ...app, queues: [{ name: "emails.dlq" }] }], /apps\[0\].queues\[0\].name must be .*, got "emails.dlq"/],
      [[{ ...app, queues: [{ name: "a" }, { name: "a" }] }], /apps\[0\].queues\[1\].name is declared twice in vhost core-api/],
      [[{ ...app, queues: [{ name: "has space" }] }], /apps\[0\].queues\[0\].name must be/],
      [[{ ...app, permissions: { read: "(" } }], /apps\[0\].permissions.read must be a regular expression, got "\("/],
    ];
    for (const [apps, msg] of cases) expect(bad({ apps }), String(msg)).toThrow(msg);
  });
});
