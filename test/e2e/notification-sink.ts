/**
 * A loopback HTTP server standing in for PagerDuty's Events API and Slack's
 * incoming webhooks (and a heartbeat endpoint): it records every POST with its
 * path, parsed JSON body and arrival time, and answers as the real service would
 * (202 for PagerDuty, 200 "ok" for Slack).
 */
import { createServer, type Server } from "node:http";

export interface Notification {
  readonly path: string;
  readonly at: number;
  readonly body: Record<string, unknown>;
}

export interface NotificationSink {
  readonly port: number;
  /** `http://127.0.0.1:<port><path>` */
  url(path: string): string;
  readonly received: readonly Notification[];
  /** Notifications that arrived on `path`. */
  on(path: string): readonly Notification[];
  close(): Promise<void>;
}

export async function startNotificationSink(): Promise<NotificationSink> {
  const received: Notification[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        body = { raw: text };
      }
      received.push({ path: req.url ?? "", at: Date.now(), body });
      if ((req.url ?? "").includes("enqueue")) res.writeHead(202, { "content-type": "application/json" }).end('{"status":"success"}');
      else res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const addr = server.address();
  if (addr === null || typeof addr === "string") throw new Error("sink has no port");
  const port = addr.port;
  return {
    port,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    received,
    on: (path: string) => received.filter((n) => n.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
