/**
 * Args of a route from the gateway to any backend Service, resolved and
 * validated once (pure: tests call it without mocks).
 */
import { invalidArg } from "../lib/errors";
import type { GatewayRef, ListenerKind } from "./gateway-ref";

/** One path prefix of a route, and whether the route's rate limit applies to it. */
export interface RoutePathArgs {
  /** Path prefix (Gateway API `PathPrefix`: matches whole segments). @example "/api" */
  readonly prefix: string;
  /**
   * Whether the per-client-address rate limit applies. Turn it off for static assets: one
   * page load fetches dozens of them at once.
   * @default true
   */
  readonly rateLimit?: boolean;
}

/** Timeouts of a route: the whole request and idle streams. */
export interface RouteTimeoutsArgs {
  /** Whole request, first byte in to last byte out, across retries. @default 30 (0 = none; websocket routes: none) */
  readonly requestSeconds?: number;
  /** How long a request stream, or an upstream connection, may sit idle before Envoy closes it. @default 300 */
  readonly idleSeconds?: number;
}

/** A route that carries WebSockets: the upgrade is allowed, no request deadline applies, and an idle timeout closes silent sockets. */
export interface WebsocketArgs {
  /** How long a WebSocket may go without a frame either way before Envoy closes it. @default 3600 */
  readonly idleTimeoutSeconds?: number;
}

/** Args of an HTTP route to a Service through a Gateway: host, paths, timeouts, rate limit, WebSockets. */
export interface RouteArgs {
  /** The gateway to attach to (from `EdgeGateway.ref` or `gatewayRefFor`). */
  readonly gateway: GatewayRef;
  /**
   * Namespace of the route: the namespace of the listener it attaches to (`gateway.listeners.*.parentRef.namespace`;
   * the listeners admit routes of their own namespace only).
   */
  readonly namespace: string;
  /**
   * The backend Service and its port number (not the container port); in another namespace than the route,
   * a ReferenceGrant there lets the route reach it.
   */
  readonly service: { readonly name: string; readonly port: number; readonly namespace?: string };
  /** Host name clients use; must lie under the listener's domain. @example "api.platform.example.com" */
  readonly host: string;
  /** `internal` puts the route on the listener that admits only internal client addresses. @default "public" */
  readonly listener?: ListenerKind;
  /** Path prefixes, each rate limited or not. @default [{ prefix: "/" }] */
  readonly paths?: readonly RoutePathArgs[];
  /** Requests per minute per client address on rate-limited paths. @default 100 */
  readonly rateLimitPerMinute?: number;
  /** Request and idle timeouts. @default {} - see RouteTimeoutsArgs */
  readonly timeouts?: RouteTimeoutsArgs;
  /** A realtime route: WebSocket upgrade allowed, no request deadline, long idle timeout. @default false */
  readonly websocket?: boolean | WebsocketArgs;
  /** Route gRPC (a GRPCRoute; paths are not used) instead of HTTP. @default false */
  readonly grpc?: boolean;
  /** Labels on every object. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A route path after defaults: its prefix and whether the rate limit applies to it. */
export interface ResolvedPath {
  /** Path prefix (Gateway API `PathPrefix` match). */
  readonly prefix: string;
  /** Whether the route's rate limit applies (default true). */
  readonly rateLimit: boolean;
}

/** {@link RouteArgs} with every default applied, as {@link resolveRouteArgs} returns them. */
export interface ResolvedRouteArgs {
  /** The gateway the route attaches to, as given. */
  readonly gateway: GatewayRef;
  /** Namespace of the route, as given. */
  readonly namespace: string;
  /** The backend Service; `namespace` defaults to the route's. */
  readonly service: { readonly name: string; readonly port: number; readonly namespace: string };
  /** Host name of the route (Gateway API `hostnames`). */
  readonly host: string;
  /** Listener the route attaches to (default "public"). */
  readonly listener: ListenerKind;
  /** Path prefixes (default "/", rate limited). */
  readonly paths: readonly ResolvedPath[];
  /** Requests per minute per client address on rate-limited paths (default 100). */
  readonly rateLimitPerMinute: number;
  /** Request timeout, seconds, 0 = none (HTTPRoute `timeouts.request`; default 30, websocket routes 0). */
  readonly requestSeconds: number;
  /** Idle timeout of streams and upstream connections, seconds (default 300). */
  readonly idleSeconds: number;
  /** WebSocket settings (`idleTimeoutSeconds` default 3600); undefined on other routes. */
  readonly websocket?: { readonly idleTimeoutSeconds: number };
  /** A GRPCRoute instead of HTTPRoutes (default false). */
  readonly grpc: boolean;
  /** Labels on every object (default none). */
  readonly labels: Readonly<Record<string, string>>;
}

const NAME = /^[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?$/;
const HOST = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$/;
const PREFIX = /^\/([A-Za-z0-9._~!$&'()*+,;=:@%-]+(\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*)?$/;

const int = (c: string, f: string, v: number, min: number, max: number): number => {
  if (!Number.isInteger(v) || v < min || v > max) invalidArg(c, f, v, `must be an integer between ${min} and ${max}`);
  return v;
};

/** Resolves defaults and validates; throws an error that says what to change. */
export function resolveRouteArgs(name: string, a: RouteArgs): ResolvedRouteArgs {
  const c = `Route ${name}`;
  if (!NAME.test(name)) invalidArg(c, "name", name, "must be a DNS-1123 label of at most 52 characters (room for suffixes)");
  const listener = a.listener ?? "public";
  const l = a.gateway.listeners[listener];
  if (!l) invalidArg(c, "listener", listener, "is not declared on this gateway (no internal listener)");
  if (!HOST.test(a.host)) invalidArg(c, "host", a.host, "must be a lower-case DNS name");
  if (!a.host.endsWith(`.${l.domain}`)) invalidArg(c, "host", a.host, `must end in .${l.domain}, the domain of the ${listener} listener`);
  int(c, "service.port", a.service.port, 1, 65535);
  const parentNs = l.parentRef.namespace;
  if (parentNs !== undefined && a.namespace !== parentNs) {
    invalidArg(c, "namespace", a.namespace, `must be ${parentNs}, the namespace of the listener (put the route there; set service.namespace for a backend elsewhere)`);
  }
  const paths = (a.paths ?? [{ prefix: "/" }]).map((p) => ({ prefix: p.prefix, rateLimit: p.rateLimit ?? true }));
  if (paths.length === 0) invalidArg(c, "paths", [], "must list at least one prefix");
  for (const p of paths) if (!PREFIX.test(p.prefix)) invalidArg(c, "paths.prefix", p.prefix, 'must be an absolute path without a trailing "/" (or "/")');
  const dupe = paths.find((p, i) => paths.findIndex((q) => q.prefix === p.prefix) !== i);
  if (dupe) invalidArg(c, "paths", dupe.prefix, "is listed twice");
  if (a.grpc && a.paths) invalidArg(c, "paths", a.paths.map((p) => p.prefix), "do not apply to a gRPC route (it routes whole services)");
  if (a.grpc && a.websocket) invalidArg(c, "websocket", a.websocket, "does not apply to a gRPC route");
  const rateLimitPerMinute = int(c, "rateLimitPerMinute", a.rateLimitPerMinute ?? 100, 1, 1_000_000);
  const ws = a.websocket === true ? {} : a.websocket || undefined;
  const websocket = ws ? { idleTimeoutSeconds: int(c, "websocket.idleTimeoutSeconds", ws.idleTimeoutSeconds ?? 3600, 60, 86_400) } : undefined;
  const requestSeconds = int(c, "timeouts.requestSeconds", a.timeouts?.requestSeconds ?? (websocket ? 0 : 30), 0, 3600);
  if (websocket && requestSeconds !== 0) invalidArg(c, "timeouts.requestSeconds", requestSeconds, "must be 0 on a websocket route (a request deadline would cut every socket)");
  const idleSeconds = int(c, "timeouts.idleSeconds", a.timeouts?.idleSeconds ?? 300, 1, 86_400);
  return {
    gateway: a.gateway,
    namespace: a.namespace,
    service: { name: a.service.name, port: a.service.port, namespace: a.service.namespace ?? a.namespace },
    host: a.host,
    listener,
    paths,
    rateLimitPerMinute,
    requestSeconds,
    idleSeconds,
    ...(websocket ? { websocket } : {}),
    grpc: a.grpc ?? false,
    labels: a.labels ?? {},
  };
}
