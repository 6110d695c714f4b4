/**
 * The whole alert path on loopback: fake app → real Prometheus (1 s scrape and
 * evaluation, the given rule file) → real Alertmanager (the rendered routing
 * config, secrets from files in a temp dir) → a notification sink standing in for
 * PagerDuty and Slack. Used by the e2e tests and by bench/alert-latency.ts.
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { dump } from "js-yaml";
import {
  type AlertRoutingArgs,
  alertmanagerConfigYaml,
  alertmanagerSecretKeys,
} from "../../components/monitoring/alertmanager-config";
import { TOOLS, type Daemon, freePort, makeTempDir, removeDir, requireProgram, startDaemon, waitFor } from "../procs";
import { type FakeApp, startFakeApp } from "./fake-app";
import { type NotificationSink, startNotificationSink } from "./notification-sink";

/** Labels a ServiceMonitor would attach to the app's series in the cluster. */
export const TARGET_LABELS = { namespace: "shop", service: "core-api", pod: "core-api-0", container: "core-api" } as const;

async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

export interface AlertmanagerHandle {
  readonly port: number;
  readonly url: string;
  readonly configFile: string;
  readonly daemon: Daemon;
}

/**
 * Writes `routing` (rendered by alertmanagerConfigYaml) with every secret key it
 * expects taken from `secrets`, and starts Alertmanager on 127.0.0.1 with clustering off.
 */
export async function startAlertmanager(dir: string, routing: AlertRoutingArgs, secrets: Readonly<Record<string, string>>): Promise<AlertmanagerHandle> {
  const bin = requireProgram(TOOLS.alertmanager);
  const secretsDir = join(dir, "secrets");
  mkdirSync(secretsDir, { recursive: true });
  const args = { ...routing, secretsDir };
  for (const k of alertmanagerSecretKeys(args)) {
    const value = secrets[k.key];
    if (value === undefined) throw new Error(`e2e: no value for Alertmanager secret key "${k.key}" (${k.description})`);
    writeFileSync(join(secretsDir, k.key), `${value}\n`, { mode: 0o600 });
  }
  const configFile = join(dir, "alertmanager.yaml");
  writeFileSync(configFile, alertmanagerConfigYaml(args));
  const port = await freePort();
  mkdirSync(join(dir, "am-data"), { recursive: true });
  const daemon = startDaemon(
    bin,
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, "am-data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--cluster.listen-address=",
      "--log.level=debug",
    ],
    { logFile: join(dir, "alertmanager.log") },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor("Alertmanager ready", () => httpOk(`${url}/-/ready`), 20_000, 100);
  } catch (e) {
    await daemon.stop();
    throw new Error(`${String(e)}\n${tail(join(dir, "alertmanager.log"))}`);
  }
  return { port, url, configFile, daemon };
}

export interface PrometheusHandle {
  readonly port: number;
  readonly url: string;
  readonly daemon: Daemon;
}

/** Starts Prometheus scraping `app` every second and evaluating `rulesYaml` every second. */
export async function startPrometheus(dir: string, rulesYaml: string, appPort: number, alertmanagerPort: number): Promise<PrometheusHandle> {
  const bin = requireProgram(TOOLS.prometheus);
  const rulesFile = join(dir, "rules.yaml");
  writeFileSync(rulesFile, rulesYaml);
  const config = {
    global: { scrape_interval: "1s", scrape_timeout: "900ms", evaluation_interval: "1s" },
    rule_files: [rulesFile],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${alertmanagerPort}`] }] }] },
    scrape_configs: [
      {
        job_name: "core-api",
        metrics_path: "/actuator/prometheus",
        static_configs: [{ targets: [`127.0.0.1:${appPort}`], labels: { ...TARGET_LABELS } }],
      },
    ],
  };
  const configFile = join(dir, "prometheus.yml");
  writeFileSync(configFile, dump(config));
  const port = await freePort();
  const daemon = startDaemon(
    bin,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, "tsdb")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Alertmanager discovery lags start-up by a few seconds; alerts that fire before it
      // would otherwise wait for the default 1 m resend.
      "--rules.alert.resend-delay=1s",
    ],
    { logFile: join(dir, "prometheus.log") },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor("Prometheus ready", () => httpOk(`${url}/-/ready`), 30_000, 100);
  } catch (e) {
    await daemon.stop();
    throw new Error(`${String(e)}\n${tail(join(dir, "prometheus.log"))}`);
  }
  return { port, url, daemon };
}

export interface AlertPipeline {
  readonly dir: string;
  readonly app: FakeApp;
  readonly sink: NotificationSink;
  readonly alertmanager: AlertmanagerHandle;
  readonly prometheus: PrometheusHandle;
  /** Prometheus' view of alerts, Alertmanager's alerts and log tails, for failure messages. */
  diagnose(): Promise<string>;
  stop(): Promise<void>;
}

export interface AlertPipelineOptions {
  /** The Prometheus rule file (YAML with `groups:`). */
  readonly rulesYaml: string;
  /** Routing args; pager/chat/heartbeat secrets are filled in to point at the sink. */
  readonly routing: (sink: NotificationSink) => AlertRoutingArgs;
  /** Secret values by key; gets the sink to build loopback URLs. */
  readonly secrets: (sink: NotificationSink) => Readonly<Record<string, string>>;
  /** Simulated requests per second of the fake app. @default 200 */
  readonly rps?: number;
  /** Keep the temp dir (for debugging). @default false */
  readonly keepDir?: boolean;
}

/** Starts sink, fake app, Alertmanager and Prometheus; on any failure stops what already started. */
export async function startAlertPipeline(opts: AlertPipelineOptions): Promise<AlertPipeline> {
  const dir = makeTempDir("alert-e2e");
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) {
      try {
        await s();
      } catch {
        /* keep stopping the rest */
      }
    }
    if (!opts.keepDir) removeDir(dir);
  };
  try {
    const sink = await startNotificationSink();
    stops.push(() => sink.close());
    const app = await startFakeApp({ rps: opts.rps });
    stops.push(() => app.close());
    const alertmanager = await startAlertmanager(dir, opts.routing(sink), opts.secrets(sink));
    stops.push(() => alertmanager.daemon.stop());
    const prometheus = await startPrometheus(dir, opts.rulesYaml, app.port, alertmanager.port);
    stops.push(() => prometheus.daemon.stop());
    const diagnose = async () => {
      const get = async (u: string) => {
        try {
          return await (await fetch(u, { signal: AbortSignal.timeout(2000) })).text();
        } catch (e) {
          return String(e);
        }
      };
      return [
        `prometheus alerts: ${await get(`${prometheus.url}/api/v1/alerts`)}`,
        `alertmanager alerts: ${await get(`${alertmanager.url}/api/v2/alerts`)}`,
        `sink: ${JSON.stringify(sink.received.map((n) => ({ path: n.path, at: n.at })))}`,
        `alertmanager log:\n${tail(join(dir, "alertmanager.log"), 15)}`,
        `prometheus log:\n${tail(join(dir, "prometheus.log"), 10)}`,
      ].join("\n");
    };
    return { dir, app, sink, alertmanager, prometheus, diagnose, stop: stopAll };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/** Runs an instant query and returns the first sample's value, or undefined when empty. */
export async function queryValue(prometheusUrl: string, expr: string): Promise<number | undefined> {
  const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  if (!res.ok) throw new Error(`query ${expr} failed: HTTP ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
  const first = body.data.result[0];
  return first === undefined ? undefined : Number(first.value[1]);
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return `(no ${file})`;
  }
}
