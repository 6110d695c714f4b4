/**
 * Reads the Envoy configuration egctl produced: which route a request takes
 * (virtual host by Host, route by path), and the local rate limit Envoy would
 * apply to it, with a small token-bucket model of Envoy's local_ratelimit filter
 * (per descriptor bucket, refilled `tokens_per_fill` every `fill_interval`).
 */
type Obj = Record<string, any>;

/** Every object in a JSON tree that satisfies `pred`. */
export function findAll(node: unknown, pred: (o: Obj) => boolean, out: Obj[] = []): Obj[] {
  if (Array.isArray(node)) for (const x of node) findAll(x, pred, out);
  else if (node && typeof node === "object") {
    if (pred(node as Obj)) out.push(node as Obj);
    for (const v of Object.values(node as Obj)) findAll(v, pred, out);
  }
  return out;
}

export const listeners = (dump: { configs: Obj[] }) =>
  findAll(dump, (o) => typeof o.name === "string" && o.address !== undefined && (Array.isArray(o.filterChains) || o.defaultFilterChain !== undefined));
export const virtualHosts = (dump: { configs: Obj[] }) => findAll(dump, (o) => Array.isArray(o.domains) && Array.isArray(o.routes));

const domainMatches = (pattern: string, host: string) => (pattern.startsWith("*") ? host.endsWith(pattern.slice(1)) : pattern === host);

/** The Envoy route a request for host + path takes: the first virtual host whose domains match, then its first matching route (Envoy's order). */
export function routeFor(dump: { configs: Obj[] }, host: string, path: string, vhostFilter: (vh: Obj) => boolean = () => true): Obj | undefined {
  const vhs = virtualHosts(dump).filter(vhostFilter);
  const exact = vhs.filter((v) => (v.domains as string[]).includes(host));
  const vh = exact[0] ?? vhs.find((v) => (v.domains as string[]).some((d) => domainMatches(d, host)));
  if (!vh) return undefined;
  return (vh.routes as Obj[]).find((r) => {
    const m = r.match ?? {};
    const sep = m.path_separated_prefix ?? m.pathSeparatedPrefix;
    if (sep !== undefined) return path === sep || path.startsWith(`${sep}/`);
    if (m.prefix !== undefined) return path.startsWith(m.prefix);
    if (m.path !== undefined) return path === m.path;
    return false;
  });
}

export interface Bucket {
  readonly maxTokens: number;
  readonly tokensPerFill: number;
  readonly fillIntervalSeconds: number;
  /** Whether each client address gets its own bucket (a remote-address descriptor). */
  readonly perClientAddress: boolean;
}

const seconds = (d: string) => Number(String(d).replace(/s$/, ""));

/** The local rate limit on an Envoy route, if any. */
export function localRateLimit(route: Obj): Bucket | undefined {
  const cfg = route.typed_per_filter_config ?? route.typedPerFilterConfig ?? {};
  const key = Object.keys(cfg).find((k) => k.includes("local_ratelimit"));
  if (!key) return undefined;
  const rl = cfg[key];
  const descriptors = (rl.descriptors ?? []) as Obj[];
  const bucket = descriptors[0]?.tokenBucket as Obj | undefined;
  if (!bucket) return undefined;
  // A descriptor entry valued with the downstream address (after the PROXY header, the real client) = a bucket per client.
  const perClientAddress = findAll(rl.rateLimits ?? [], (o) => o.remoteAddressMatch?.descriptorValue === "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%").length > 0;
  return {
    maxTokens: Number(bucket.maxTokens),
    tokensPerFill: Number(bucket.tokensPerFill ?? 1),
    fillIntervalSeconds: seconds(bucket.fillInterval),
    perClientAddress,
  };
}

/**
 * Replays requests `[time in s, client address]` against a route's limit, the way Envoy's
 * token buckets count them; returns how many were let through.
 */
export function replay(limit: Bucket | undefined, requests: readonly (readonly [number, string])[]): number {
  if (!limit) return requests.length;
  const buckets = new Map<string, { tokens: number; lastFill: number }>();
  let passed = 0;
  for (const [t, client] of requests) {
    const key = limit.perClientAddress ? client : "*";
    const b = buckets.get(key) ?? { tokens: limit.maxTokens, lastFill: 0 };
    const fills = Math.floor((t - b.lastFill) / limit.fillIntervalSeconds);
    if (fills > 0) {
      b.tokens = Math.min(limit.maxTokens, b.tokens + fills * limit.tokensPerFill);
      b.lastFill += fills * limit.fillIntervalSeconds;
    }
    if (b.tokens > 0) {
      b.tokens -= 1;
      passed += 1;
    }
    buckets.set(key, b);
  }
  return passed;
}
