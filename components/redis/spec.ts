/**
 * The StatefulSets and Services of a Redis deployment as plain args, built from
 * resolved args: pure, so tests check them without mocks.
 */
import { createHash } from "node:crypto";
import type * as k8s from "@pulumi/kubernetes";
import { selectorLabels } from "../lib/labels";
import type { ResolvedRedisArgs } from "./args";
import { FILES, POD_PATHS } from "./files";
import { EXPORTER_UID, REDIS_UID } from "./versions";

type PodSpec = k8s.types.input.core.v1.PodSpec;
type Container = k8s.types.input.core.v1.Container;
type StatefulSetSpec = k8s.types.input.apps.v1.StatefulSetSpec;
type ServiceSpec = k8s.types.input.core.v1.ServiceSpec;

export const EXPORTER_PORT = 9121;
export const EXPORTER_CONTAINER = "redis-exporter";

/** Selector labels of the data pods. */
export function dataSelector(a: ResolvedRedisArgs): Record<string, string> {
  return selectorLabels({ name: a.name, instance: a.instance });
}

/** Selector labels of the Sentinel pods. */
export function sentinelSelector(a: ResolvedRedisArgs): Record<string, string> {
  return selectorLabels({ name: `${a.name}-sentinel`, instance: a.instance });
}

/** Names of the ConfigMap and Secret with the rendered files. */
export function configNames(a: ResolvedRedisArgs): { configMap: string; secret: string; tls: string } {
  return { configMap: `${a.name}-config`, secret: `${a.name}-config`, tls: `${a.name}-tls` };
}

/** Short content hash: the pods roll when the rendered configuration changes. */
export function configHash(files: Readonly<Record<string, string>>): string {
  const h = createHash("sha256");
  for (const k of Object.keys(files).sort()) h.update(`${k}\0${files[k]}\0`);
  return h.digest("hex").slice(0, 16);
}

const restricted = (uid: number) => ({
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: uid,
  runAsGroup: uid,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
});

/** A `redis-cli` call as the admin user (password from REDISCLI_AUTH) for probes. */
function cliCommand(a: ResolvedRedisArgs, port: number, expect: string): string[] {
  const tls = a.tls ? ` --tls --cacert ${POD_PATHS.tls}/ca.crt${a.tls.clientCertificates ? ` --cert ${POD_PATHS.tls}/tls.crt --key ${POD_PATHS.tls}/tls.key` : ""} --sni localhost` : "";
  return ["sh", "-c", `${a.programs.cli} --user ${a.users.admin.username} --no-auth-warning -h localhost -p ${port}${tls} ping | grep -Eq '${expect}'`];
}

const execProbe = (command: string[], extra: Record<string, number>) => ({ exec: { command }, timeoutSeconds: 3, ...extra });

function env(a: ResolvedRedisArgs) {
  return [
    { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    { name: "REDISCLI_AUTH", valueFrom: { secretKeyRef: { name: a.users.admin.secretName, key: a.users.admin.key } } },
  ];
}

function exporter(a: ResolvedRedisArgs, port: number): Container {
  const scheme = a.tls ? "rediss" : "redis";
  const tlsEnv = a.tls ? [{ name: "REDIS_EXPORTER_TLS_CA_CERT_FILE", value: `${POD_PATHS.tls}/ca.crt` }] : [];
  return {
    name: EXPORTER_CONTAINER,
    image: a.exporterImage,
    imagePullPolicy: "IfNotPresent",
    env: [
      { name: "REDIS_ADDR", value: `${scheme}://localhost:${port}` },
      { name: "REDIS_USER", value: a.users.admin.username },
      { name: "REDIS_PASSWORD", valueFrom: { secretKeyRef: { name: a.users.admin.secretName, key: a.users.admin.key } } },
      ...tlsEnv,
    ],
    ports: [{ name: "metrics", containerPort: EXPORTER_PORT, protocol: "TCP" }],
    readinessProbe: { httpGet: { path: "/health", port: "metrics" }, periodSeconds: 10, timeoutSeconds: 3 },
    livenessProbe: { httpGet: { path: "/health", port: "metrics" }, periodSeconds: 20, timeoutSeconds: 3 },
    resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } },
    securityContext: restricted(EXPORTER_UID),
    volumeMounts: a.tls ? [{ name: "tls", mountPath: POD_PATHS.tls, readOnly: true }] : [],
  };
}

function affinity(a: ResolvedRedisArgs, selector: Record<string, string>) {
  const term = { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: selector } };
  return {
    podAntiAffinity:
      a.antiAffinity === "required"
        ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
        : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
  };
}

function spread(selector: Record<string, string>) {
  return [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selector } }];
}

const podSecurity = {
  runAsNonRoot: true,
  runAsUser: REDIS_UID,
  runAsGroup: REDIS_UID,
  fsGroup: REDIS_UID,
  fsGroupChangePolicy: "OnRootMismatch",
  seccompProfile: { type: "RuntimeDefault" },
};

function volumes(a: ResolvedRedisArgs, withSecret: boolean) {
  const n = configNames(a);
  return [
    { name: "config", configMap: { name: n.configMap, defaultMode: 0o444 } },
    ...(withSecret ? [{ name: "secret", secret: { secretName: n.secret, defaultMode: 0o440 } }] : []),
    { name: "run", emptyDir: { sizeLimit: "64Mi" } },
    { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
    ...(a.tls ? [{ name: "tls", secret: { secretName: n.tls, defaultMode: 0o440 } }] : []),
  ];
}

/** The data pods' StatefulSet spec. `hash` is the rendered configuration's hash. */
export function dataStatefulSetSpec(a: ResolvedRedisArgs, labels: Record<string, string>, hash: string): StatefulSetSpec {
  const selector = dataSelector(a);
  const p = POD_PATHS;
  const sentinel = a.mode === "sentinel";
  const command = sentinel ? ["sh", `${p.config}/${FILES.startScript}`, "server"] : undefined;
  // Standalone: the image's entrypoint starts the server (and loads Redis 8's modules).
  const args = sentinel ? undefined : [a.programs.server, `${p.config}/${FILES.redisConf}`];
  const server: Container = {
    name: "redis",
    image: a.image,
    imagePullPolicy: "IfNotPresent",
    ...(command ? { command } : {}),
    ...(args ? { args } : {}),
    env: env(a),
    ports: [{ name: "redis", containerPort: a.port, protocol: "TCP" }],
    resources: a.resources,
    // Loading a large AOF can take minutes: up to 10 min before liveness applies.
    startupProbe: execProbe(cliCommand(a, a.port, "PONG|LOADING|MASTERDOWN"), { periodSeconds: 5, failureThreshold: 120 }),
    livenessProbe: execProbe(cliCommand(a, a.port, "PONG|LOADING|MASTERDOWN"), { periodSeconds: 10, failureThreshold: 6 }),
    readinessProbe: execProbe(cliCommand(a, a.port, "PONG"), { periodSeconds: 5, failureThreshold: 2 }),
    securityContext: restricted(REDIS_UID),
    volumeMounts: [
      { name: "data", mountPath: p.data },
      { name: "config", mountPath: p.config, readOnly: true },
      { name: "secret", mountPath: p.secret, readOnly: true },
      { name: "run", mountPath: p.run },
      { name: "tmp", mountPath: "/tmp" },
      ...(a.tls ? [{ name: "tls", mountPath: p.tls, readOnly: true }] : []),
    ],
  };
  const pod: PodSpec = {
    serviceAccountName: a.name,
    automountServiceAccountToken: false,
    // SIGTERM makes Redis write a final RDB snapshot before it exits.
    terminationGracePeriodSeconds: 60,
    securityContext: podSecurity,
    affinity: affinity(a, selector),
    topologySpreadConstraints: spread(selector),
    containers: [server, exporter(a, a.port)],
    volumes: volumes(a, true),
  };
  return {
    serviceName: a.headless,
    replicas: a.replicas,
    podManagementPolicy: "Parallel",
    updateStrategy: { type: "RollingUpdate" },
    selector: { matchLabels: selector },
    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
    template: {
      metadata: { labels: { ...labels, ...selector }, annotations: { "platform.dev/config-hash": hash } },
      spec: pod,
    },
    volumeClaimTemplates: [
      {
        metadata: { name: "data", labels: selector },
        spec: {
          accessModes: ["ReadWriteOnce"],
          resources: { requests: { storage: a.storageSize } },
          ...(a.storageClass ? { storageClassName: a.storageClass } : {}),
        },
      },
    ],
  };
}

/** The Sentinels' StatefulSet spec. */
export function sentinelStatefulSetSpec(a: ResolvedRedisArgs, labels: Record<string, string>, hash: string): StatefulSetSpec {
  const s = a.sentinel!;
  const selector = sentinelSelector(a);
  const p = POD_PATHS;
  const container: Container = {
    name: "sentinel",
    image: a.image,
    imagePullPolicy: "IfNotPresent",
    command: ["sh", `${p.config}/${FILES.startScript}`, "sentinel"],
    env: env(a),
    ports: [{ name: "sentinel", containerPort: a.sentinelPort, protocol: "TCP" }],
    resources: s.resources,
    startupProbe: execProbe(cliCommand(a, a.sentinelPort, "PONG"), { periodSeconds: 3, failureThreshold: 40 }),
    livenessProbe: execProbe(cliCommand(a, a.sentinelPort, "PONG"), { periodSeconds: 10, failureThreshold: 3 }),
    readinessProbe: execProbe(cliCommand(a, a.sentinelPort, "PONG"), { periodSeconds: 5, failureThreshold: 2 }),
    securityContext: restricted(REDIS_UID),
    volumeMounts: [
      { name: "config", mountPath: p.config, readOnly: true },
      { name: "secret", mountPath: p.secret, readOnly: true },
      { name: "run", mountPath: p.run },
      { name: "tmp", mountPath: "/tmp" },
      ...(a.tls ? [{ name: "tls", mountPath: p.tls, readOnly: true }] : []),
    ],
  };
  return {
    serviceName: s.headless,
    replicas: s.replicas,
    podManagementPolicy: "Parallel",
    updateStrategy: { type: "RollingUpdate" },
    selector: { matchLabels: selector },
    template: {
      metadata: { labels: { ...labels, ...selector }, annotations: { "platform.dev/config-hash": hash } },
      spec: {
        serviceAccountName: a.name,
        automountServiceAccountToken: false,
        terminationGracePeriodSeconds: 20,
        securityContext: podSecurity,
        affinity: affinity(a, selector),
        topologySpreadConstraints: spread(selector),
        containers: [container, exporter(a, a.sentinelPort)],
        volumes: volumes(a, true),
      },
    },
  };
}

const tcpPort = (name: string, port: number) => ({ name, port, targetPort: name, protocol: "TCP" });

/** Headless Service of the data pods: their stable DNS names, also before they are ready (replicas and Sentinels resolve them at start). */
export function headlessServiceSpec(a: ResolvedRedisArgs): ServiceSpec {
  return { clusterIP: "None", publishNotReadyAddresses: true, selector: dataSelector(a), ports: [tcpPort("redis", a.port), tcpPort("metrics", EXPORTER_PORT)] };
}

/** Client Service (standalone): the one data pod. */
export function clientServiceSpec(a: ResolvedRedisArgs): ServiceSpec {
  return { type: "ClusterIP", selector: dataSelector(a), ports: [tcpPort("redis", a.port)] };
}

export function sentinelHeadlessServiceSpec(a: ResolvedRedisArgs): ServiceSpec {
  return { clusterIP: "None", publishNotReadyAddresses: true, selector: sentinelSelector(a), ports: [tcpPort("sentinel", a.sentinelPort), tcpPort("metrics", EXPORTER_PORT)] };
}

/** Client Service of the Sentinels (Sentinel mode): clients ask any Sentinel for the primary. */
export function sentinelServiceSpec(a: ResolvedRedisArgs): ServiceSpec {
  return { type: "ClusterIP", selector: sentinelSelector(a), ports: [tcpPort("sentinel", a.sentinelPort)] };
}

/** DNS names the server certificate must cover: every pod, every Service, and localhost (probes, exporter). */
export function certificateDnsNames(a: ResolvedRedisArgs): string[] {
  const ns = a.namespace;
  const d = a.clusterDomain;
  const svc = (n: string) => [n, `${n}.${ns}`, `${n}.${ns}.svc`, `${n}.${ns}.svc.${d}`];
  const names = [...svc(a.name), `*.${a.headless}.${ns}.svc.${d}`, ...svc(a.headless)];
  if (a.sentinel) names.push(...svc(a.sentinel.name), `*.${a.sentinel.headless}.${ns}.svc.${d}`, ...svc(a.sentinel.headless));
  names.push("localhost");
  return names;
}
