/**
 * A loopback S3 (the npm `s3rver`, run from node_modules as its own process so that
 * nothing in the test process can stall it) and an object lister that reads what
 * barman-cloud wrote the way any S3 client would.
 */
import { existsSync, mkdirSync, utimesSync } from "node:fs";
import { join, resolve } from "node:path";
import { freePort, startDaemon, waitFor, type Daemon } from "../procs";
import { chownTree, type Ids } from "./exec";

/** Credentials s3rver accepts (it accepts any); what barman-cloud and the postmaster get as AWS_*. */
export const S3_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER", region: "us-east-1" } as const;

/**
 * The environment barman-cloud runs in against the local store: a home of its own under `work`
 * (owned by `ids`), the store's credentials, and no AWS config or credentials file of the machine's.
 */
export function barmanEnv(work: string, ids: Ids): NodeJS.ProcessEnv {
  const home = join(work, "home");
  mkdirSync(home);
  chownTree(home, ids);
  return {
    PATH: "/usr/bin:/bin:/usr/sbin:/sbin",
    HOME: home,
    LANG: "C.UTF-8",
    TZ: "UTC",
    AWS_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: S3_CREDENTIALS.region,
    AWS_CONFIG_FILE: join(home, "aws-config-absent"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "aws-credentials-absent"),
  };
}

export interface S3Object {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  /** LastModified as the S3 API reports it (what lifecycle ages count from). */
  readonly lastModified: Date;
}

export interface S3Server {
  readonly endpointURL: string;
  readonly bucket: string;
  /** Every object whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Promise<S3Object[]>;
  /** Backdates objects' LastModified (s3rver reports its files' mtime), to simulate the passage of time. */
  backdate(keys: readonly string[], to: Date): void;
  /** DELETE an object through the S3 API (what a lifecycle expiry does to a current version, unversioned). */
  remove(key: string): Promise<void>;
  stop(): Promise<void>;
}

/** Path of s3rver's CLI inside this repo's node_modules; throws (never skips) when it is missing. */
export function s3rverBin(): string {
  const bin = resolve(__dirname, "../../node_modules/s3rver/bin/s3rver.js");
  if (!existsSync(bin)) throw new Error(`s3rver is missing at ${bin}: run "npm test" after npm ci (it is a devDependency)`);
  return bin;
}

function xmlValues(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, "g"))].map((m) => m[1] ?? "");
}

function unescapeXml(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** Starts s3rver on 127.0.0.1 with `bucket` created; data and log under `workDir`. */
export async function startS3(workDir: string, bucket: string): Promise<S3Server> {
  const port = await freePort();
  const endpointURL = `http://127.0.0.1:${port}`;
  const daemon: Daemon = startDaemon(
    process.execPath,
    [s3rverBin(), "-d", join(workDir, "s3"), "-a", "127.0.0.1", "-p", String(port), "--no-vhost-buckets", "--silent", "--configure-bucket", bucket],
    { logFile: join(workDir, "s3rver.log") },
  );
  const list = async (prefix: string): Promise<S3Object[]> => {
    const out: S3Object[] = [];
    let token: string | undefined;
    do {
      const q = new URLSearchParams({ "list-type": "2", prefix, "max-keys": "1000" });
      if (token) q.set("continuation-token", token);
      const res = await fetch(`${endpointURL}/${bucket}?${q}`);
      const xml = await res.text();
      if (!res.ok) throw new Error(`S3 list ${prefix} failed: HTTP ${res.status} ${xml.slice(0, 300)}`);
      for (const block of xml.split("<Contents>").slice(1)) {
        out.push({
          key: unescapeXml(xmlValues(block, "Key")[0] ?? ""),
          size: Number(xmlValues(block, "Size")[0]),
          etag: unescapeXml(xmlValues(block, "ETag")[0] ?? ""),
          lastModified: new Date(xmlValues(block, "LastModified")[0] ?? ""),
        });
      }
      token = xmlValues(xml, "IsTruncated")[0] === "true" ? xmlValues(xml, "NextContinuationToken")[0] : undefined;
    } while (token);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  };
  try {
    await waitFor("s3rver to answer", async () => (await fetch(`${endpointURL}/${bucket}?list-type=2&max-keys=1`)).ok, 15_000, 100);
  } catch (e) {
    await daemon.stop();
    throw e;
  }
  const backdate = (keys: readonly string[], to: Date): void => {
    for (const key of keys) {
      if (!/^[A-Za-z0-9._\/-]+$/.test(key)) throw new Error(`backdate: key ${key} needs s3rver's key encoding`);
      const parts = key.split("/");
      const file = join(workDir, "s3", bucket, ...parts.slice(0, -1), `${parts.at(-1)}._S3rver_object`);
      utimesSync(file, to, to);
    }
  };
  const remove = async (key: string): Promise<void> => {
    const res = await fetch(`${endpointURL}/${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`, { method: "DELETE" });
    if (!res.ok) throw new Error(`S3 DELETE ${key}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
  };
  return { endpointURL, bucket, list, backdate, remove, stop: () => daemon.stop() };
}
