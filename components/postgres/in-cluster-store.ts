/**
 * The S3-compatible store of stacks without a cloud account (local, preview):
 * Versity S3 Gateway on a PVC, generated credentials in a Secret, restricted
 * security context, reachable only from the database pods. The bucket is a
 * directory of the posix backend, made by an init container, so the first
 * WAL archive of an empty cluster finds it (barman-cloud would also create it).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childDependsOn } from "../lib/deps";
import * as random from "@pulumi/random";
import { standardLabels } from "../lib/labels";
import { DEFAULT_OBJECT_STORE_IMAGE, OBJECT_STORE_PORT, type ResolvedPostgresClusterArgs } from "./args";
import { storePolicy, storeSelector } from "./network";
import { STORE_KEYS } from "./spec";
import { applyTransform as apply, type Transform } from "../lib/transform";

/** Escape hatches of the in-cluster object store (for clusters without S3), one per child. */
export interface InClusterStoreTransforms {
  /** The store's Deployment (Versity S3 Gateway). */
  readonly deployment?: Transform<k8s.apps.v1.DeploymentArgs>;
  /** The store's PersistentVolumeClaim. */
  readonly pvc?: Transform<k8s.core.v1.PersistentVolumeClaimArgs>;
}

/** The in-cluster object store {@link PostgresCluster} creates when `objectStore.kind` is "in-cluster". */
export interface InClusterStore {
  /** Secret `<storeName>-credentials` with the generated S3 access key and secret key. */
  readonly credentials: k8s.core.v1.Secret;
  /** PersistentVolumeClaim of the store's data (`objectStore.storageSize`, default "10Gi"). */
  readonly pvc: k8s.core.v1.PersistentVolumeClaim;
  /** Deployment of the Versity S3 Gateway (one replica, Recreate). */
  readonly deployment: k8s.apps.v1.Deployment;
  /** Service `<storeName>` on port 7070, the ObjectStore's endpoint. */
  readonly service: k8s.core.v1.Service;
  /** NetworkPolicy admitting only the database pods to the store. */
  readonly networkPolicy: k8s.networking.v1.NetworkPolicy;
}

const DATA = "/data";

export function createInClusterStore(
  name: string,
  a: ResolvedPostgresClusterArgs,
  parent: pulumi.Resource,
  t: InClusterStoreTransforms = {},
  dependsOn: pulumi.Input<pulumi.Input<pulumi.Resource>[]> = [],
): InClusterStore {
  if (a.objectStore.kind !== "in-cluster") throw new Error("createInClusterStore needs an in-cluster object store");
  const ns = a.namespace;
  const storeName = a.storeName;
  const labels = standardLabels({ name: storeName, instance: a.instance, component: "object-store" });
  const selector = storeSelector(a);
  const opts = { parent, dependsOn };

  const supplied = a.objectStore.credentials;
  const accessKey = supplied ? pulumi.secret(supplied.accessKeyId) : new random.RandomPassword(`${name}-store-access-key`, { length: 20, special: false, upper: true, lower: false, numeric: true }, opts).result;
  const secretKey = supplied ? pulumi.secret(supplied.secretAccessKey) : new random.RandomPassword(`${name}-store-secret-key`, { length: 40, special: false }, opts).result;
  const credentials = new k8s.core.v1.Secret(
    `${name}-store-credentials`,
    {
      metadata: { name: `${storeName}-credentials`, namespace: ns, labels },
      type: "Opaque",
      stringData: { [STORE_KEYS.accessKeyId]: accessKey, [STORE_KEYS.secretAccessKey]: secretKey },
    },
    opts,
  );
  const pvc = new k8s.core.v1.PersistentVolumeClaim(
    `${name}-store-pvc`,
    apply(t.pvc, {
      metadata: { name: storeName, namespace: ns, labels },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: a.objectStore.storageSize ?? "10Gi" } } },
    }),
    opts,
  );
  const secCtx = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: 10001,
    runAsGroup: 10001,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
  const image = a.objectStore.image ?? DEFAULT_OBJECT_STORE_IMAGE;
  const env = (k: string) => ({ valueFrom: { secretKeyRef: { name: `${storeName}-credentials`, key: k } } });
  const deployment = new k8s.apps.v1.Deployment(
    `${name}-store-deployment`,
    apply(t.deployment, {
      metadata: {
        name: storeName,
        namespace: ns,
        labels,
        // versitygw sends metrics only to StatsD, never a Prometheus endpoint; the backups it holds are
        // watched through the cluster's Barman metrics (PostgresNoRecentBackup, PostgresWalArchivingFailing).
        annotations: { "platform.dev/observability": "exempt", "platform.dev/observability-reason": "versitygw exports StatsD only; backups are alerted through the PostgreSQL cluster's Barman metrics" },
      },
      spec: {
        replicas: 1,
        // One writer on a ReadWriteOnce volume: never two pods at once.
        strategy: { type: "Recreate" },
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...labels, ...selector } },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, fsGroup: 10001, fsGroupChangePolicy: "OnRootMismatch", seccompProfile: { type: "RuntimeDefault" } },
            initContainers: [
              {
                name: "create-bucket",
                image,
                command: ["mkdir", "-p", `${DATA}/${a.layout.bucket}`],
                securityContext: secCtx,
                resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "32Mi" } },
                volumeMounts: [{ name: "data", mountPath: DATA }],
              },
            ],
            containers: [
              {
                name: "versitygw",
                image,
                args: ["--port", `:${OBJECT_STORE_PORT}`, "--health", "/_/health", "posix", DATA],
                env: [
                  { name: "ROOT_ACCESS_KEY_ID", ...env(STORE_KEYS.accessKeyId) },
                  { name: "ROOT_SECRET_ACCESS_KEY", ...env(STORE_KEYS.secretAccessKey) },
                ],
                ports: [{ name: "s3", containerPort: OBJECT_STORE_PORT, protocol: "TCP" }],
                readinessProbe: { httpGet: { path: "/_/health", port: "s3" }, periodSeconds: 5 },
                livenessProbe: { httpGet: { path: "/_/health", port: "s3" }, periodSeconds: 20, failureThreshold: 6 },
                securityContext: secCtx,
                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
                volumeMounts: [
                  { name: "data", mountPath: DATA },
                  { name: "tmp", mountPath: "/tmp" },
                ],
              },
            ],
            volumes: [
              { name: "data", persistentVolumeClaim: { claimName: storeName } },
              { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
            ],
          },
        },
      },
    }),
    { parent, dependsOn: childDependsOn(dependsOn as pulumi.Input<pulumi.Resource>[], credentials, pvc) },
  );
  const service = new k8s.core.v1.Service(
    `${name}-store-service`,
    { metadata: { name: storeName, namespace: ns, labels }, spec: { selector, ports: [{ name: "s3", port: OBJECT_STORE_PORT, targetPort: "s3", protocol: "TCP" }] } },
    opts,
  );
  const networkPolicy = new k8s.networking.v1.NetworkPolicy(
    `${name}-store-networkpolicy`,
    { metadata: { name: storeName, namespace: ns, labels }, spec: storePolicy(a) },
    opts,
  );
  return { credentials, pvc, deployment, service, networkPolicy };
}
