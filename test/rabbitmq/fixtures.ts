/** Component args shared by the RabbitMQ tests: a 3-node production-shaped broker with core-api and two work queues. */
import type { RabbitMqArgs } from "../../components/rabbitmq/args";

export const BASE: RabbitMqArgs = {
  namespace: "shop",
  instance: "prod",
  replicas: 3,
  storageSize: "20Gi",
  resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "2Gi" } },
  apps: [
    {
      name: "core-api",
      user: { username: "app", secretName: "rabbitmq" },
      podLabels: { "app.kubernetes.io/name": "core-api", "app.kubernetes.io/instance": "prod" },
      queues: [{ name: "notifications" }, { name: "exports", deliveryLimit: 5, messageTtlMs: 3_600_000 }],
    },
  ],
  monitoring: { runbookBaseUrl: "https://runbooks.example.com" },
};
