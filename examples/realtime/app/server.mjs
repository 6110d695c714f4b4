/**
 * The realtime app of the example: Express + Socket.io, scaled out with the
 * Socket.io Redis adapter (every pod publishes its broadcasts through Redis,
 * every pod delivers them to its own sockets). Reads the platform's REDIS_*
 * variables: REDIS_HOST/REDIS_PORT, or REDIS_SENTINELS + REDIS_SENTINEL_MASTER
 * (ioredis asks the Sentinels for the primary and follows failovers);
 * REDIS_USERNAME, REDIS_PASSWORD, REDIS_TLS.
 *
 * WebSocket transport only: without HTTP long-polling, Socket.io needs no
 * sticky sessions at the edge; the route must pass the Upgrade through and
 * keep idle connections open (see ../README.md).
 */
import { createServer } from "node:http";
import { createAdapter } from "@socket.io/redis-adapter";
import express from "express";
import { Redis } from "ioredis";
import { Server } from "socket.io";

export function redisOptions(env) {
  const tls = env.REDIS_TLS === "true";
  const auth = { username: env.REDIS_USERNAME || undefined, password: env.REDIS_PASSWORD || undefined };
  if (env.REDIS_SENTINELS) {
    const sentinels = env.REDIS_SENTINELS.split(",").map((hp) => {
      const i = hp.lastIndexOf(":");
      return { host: hp.slice(0, i), port: Number(hp.slice(i + 1)) };
    });
    return { ...auth, sentinels, name: env.REDIS_SENTINEL_MASTER, sentinelUsername: auth.username, sentinelPassword: auth.password, ...(tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}) };
  }
  return { ...auth, host: env.REDIS_HOST, port: Number(env.REDIS_PORT ?? 6379), ...(tls ? { tls: {} } : {}) };
}

const pub = new Redis(redisOptions(process.env));
const sub = pub.duplicate();
for (const c of [pub, sub]) c.on("error", (e) => console.error(`redis: ${e.message}`));

const app = express();
app.get("/healthz", (_req, res) => {
  const ok = pub.status === "ready" && sub.status === "ready";
  res.status(ok ? 200 : 503).json({ redis: ok ? "ready" : `${pub.status}/${sub.status}` });
});

const http = createServer(app);
const io = new Server(http, { adapter: createAdapter(pub, sub), transports: ["websocket"] });
io.on("connection", (socket) => {
  socket.on("join", (room) => socket.join(String(room)));
  socket.on("chat", (room, text) => io.to(String(room)).emit("chat", { room, text, via: process.env.POD_NAME ?? "local" }));
});

const port = Number(process.env.PORT ?? 3000);
http.listen(port, process.env.BIND ?? "0.0.0.0", () => console.log(`listening on ${port}`));

// Kubernetes sends SIGTERM after the pod leaves the endpoints (preStop sleep): close sockets, then Redis.
process.on("SIGTERM", () => {
  io.close(() => {
    pub.quit();
    sub.quit();
    process.exit(0);
  });
});
