/**
 * A stand-in for a Spring Boot service as Prometheus sees it: `/actuator/prometheus`
 * exposes Micrometer-style `http_server_requests_seconds_count{uri,method,status,outcome}`
 * counters whose 5xx share the test controls. Traffic is simulated lazily: each
 * scrape (or ratio change) first books `rps` requests per elapsed second at the
 * ratio in force during that time, so counters grow exactly as real traffic would.
 */
import { createServer, type Server } from "node:http";

export interface FakeApp {
  readonly port: number;
  readonly metricsPath: string;
  /** Sets the share of requests answered with HTTP 500 from now on (0..1). */
  setErrorRatio(ratio: number): void;
  /** When false, the metrics endpoint answers 503, so Prometheus records `up == 0`. */
  setHealthy(healthy: boolean): void;
  /** Total requests booked so far, by status. */
  totals(): Readonly<Record<string, number>>;
  close(): Promise<void>;
}

interface Series {
  readonly uri: string;
  readonly method: string;
  readonly status: string;
  readonly outcome: string;
  count: number;
  sum: number;
}

export async function startFakeApp(opts: { rps?: number; startCount?: number } = {}): Promise<FakeApp> {
  const rps = opts.rps ?? 200;
  const start = opts.startCount ?? 1000;
  const ok: Series = { uri: "/api/orders", method: "GET", status: "200", outcome: "SUCCESS", count: start, sum: start * 0.05 };
  const err: Series = { uri: "/api/orders", method: "GET", status: "500", outcome: "SERVER_ERROR", count: 1, sum: 0.1 };
  // A second endpoint that never errors, so the ratio is computed over several series.
  const health: Series = { uri: "/api/tenants", method: "POST", status: "201", outcome: "SUCCESS", count: start, sum: start * 0.08 };
  let ratio = 0;
  let healthy = true;
  let last = Date.now();
  let carryErr = 0;

  const book = () => {
    const now = Date.now();
    const n = (rps * (now - last)) / 1000;
    last = now;
    const errors = n * ratio + carryErr;
    const whole = Math.floor(errors);
    carryErr = errors - whole;
    err.count += whole;
    err.sum += whole * 0.02;
    const good = n - n * ratio;
    ok.count += good * 0.8;
    ok.sum += good * 0.8 * 0.05;
    health.count += good * 0.2;
    health.sum += good * 0.2 * 0.08;
  };

  const render = () => {
    const lines = [
      "# HELP http_server_requests_seconds Duration of HTTP server request handling",
      "# TYPE http_server_requests_seconds summary",
    ];
    for (const s of [ok, err, health]) {
      const l = `application="core-api",exception="None",method="${s.method}",outcome="${s.outcome}",status="${s.status}",uri="${s.uri}"`;
      lines.push(`http_server_requests_seconds_count{${l}} ${Math.floor(s.count)}`);
      lines.push(`http_server_requests_seconds_sum{${l}} ${s.sum.toFixed(3)}`);
    }
    return lines.join("\n") + "\n";
  };

  const server: Server = createServer((req, res) => {
    if (req.url === "/actuator/prometheus") {
      if (!healthy) {
        res.writeHead(503).end("down\n");
        return;
      }
      book();
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(render());
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const addr = server.address();
  if (addr === null || typeof addr === "string") throw new Error("fake app has no port");
  return {
    port: addr.port,
    metricsPath: "/actuator/prometheus",
    setErrorRatio(r: number) {
      if (!(r >= 0 && r <= 1)) throw new Error(`error ratio must be within 0..1, got ${r}`);
      book();
      ratio = r;
    },
    setHealthy(h: boolean) {
      healthy = h;
    },
    totals() {
      return { "200": Math.floor(ok.count), "500": err.count, "201": Math.floor(health.count) };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
