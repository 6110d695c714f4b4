/**
 * A small client for the test control plane's API server (https on 127.0.0.1, the admin client
 * certificate): discovery, server-side apply (optionally dry-run, strict field validation), get,
 * create. Every response's `Warning` headers are returned, so a test can fail on them.
 */
import { request } from "node:https";

export interface KubeCredentials {
  readonly server: string; // https://127.0.0.1:<port>
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

export interface KubeResponse {
  readonly status: number;
  readonly body: any;
  readonly warnings: readonly string[];
}

export interface ResourceInfo {
  readonly plural: string;
  readonly namespaced: boolean;
}

export class KubeClient {
  private readonly discovery = new Map<string, Map<string, ResourceInfo>>();

  constructor(private readonly creds: KubeCredentials) {}

  get server(): string {
    return this.creds.server;
  }

  async request(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<KubeResponse> {
    const url = new URL(path, this.creds.server);
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    return await new Promise<KubeResponse>((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          ca: this.creds.ca,
          cert: this.creds.cert,
          key: this.creds.key,
          headers: { accept: "application/json", ...(payload !== undefined ? { "content-type": contentType } : {}) },
          timeout: 60_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown = text;
            try {
              parsed = text === "" ? undefined : JSON.parse(text);
            } catch {
              /* not JSON (e.g. /readyz): keep the text */
            }
            const w = res.headers.warning;
            const warnings = w === undefined ? [] : Array.isArray(w) ? w : [w];
            resolve({ status: res.statusCode ?? 0, body: parsed, warnings });
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on("error", reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** The plural name and scope of apiVersion/kind, from discovery (cached per group version). */
  async resource(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    let kinds = this.discovery.get(apiVersion);
    if (kinds === undefined) {
      const path = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      const r = await this.request("GET", path);
      kinds = new Map();
      if (r.status === 200) {
        for (const res of r.body.resources as Array<{ name: string; kind: string; namespaced: boolean }>) {
          if (!res.name.includes("/")) kinds.set(res.kind, { plural: res.name, namespaced: res.namespaced });
        }
        this.discovery.set(apiVersion, kinds);
      }
    }
    return kinds.get(kind);
  }

  forgetDiscovery(): void {
    this.discovery.clear();
  }

  async objectPath(obj: KubeObject): Promise<string> {
    const info = await this.resource(obj.apiVersion, obj.kind);
    if (info === undefined) throw new Error(`the API server serves no ${obj.kind} in ${obj.apiVersion}`);
    const base = obj.apiVersion.includes("/") ? `/apis/${obj.apiVersion}` : `/api/${obj.apiVersion}`;
    const ns = info.namespaced ? `/namespaces/${obj.metadata.namespace ?? "default"}` : "";
    return `${base}${ns}/${info.plural}/${encodeURIComponent(obj.metadata.name)}`;
  }

  /** Server-side apply of one object. */
  async apply(obj: KubeObject, opts: { dryRun?: boolean; fieldManager?: string } = {}): Promise<KubeResponse> {
    const q = new URLSearchParams({ fieldManager: opts.fieldManager ?? "platform-engine-test", fieldValidation: "Strict", force: "true" });
    if (opts.dryRun) q.set("dryRun", "All");
    return await this.request("PATCH", `${await this.objectPath(obj)}?${q}`, obj, "application/apply-patch+yaml");
  }

  async get(obj: Pick<KubeObject, "apiVersion" | "kind" | "metadata">): Promise<KubeResponse> {
    return await this.request("GET", await this.objectPath(obj as KubeObject));
  }
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

/** One line naming the object and what the API server said. */
export function describeFailure(obj: KubeObject, r: KubeResponse): string {
  const msg = typeof r.body === "object" && r.body !== null ? String(r.body.message ?? JSON.stringify(r.body)) : String(r.body);
  return `${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ""}${obj.metadata.name}: HTTP ${r.status}: ${msg}`;
}
