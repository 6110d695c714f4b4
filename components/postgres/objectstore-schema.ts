/**
 * Structural checks of a Barman Cloud plugin `ObjectStore` (barmancloud.cnpg.io/v1),
 * for which no model package ships a schema. Mirrors the plugin's CRD (v0.13):
 * required fields, enums, the retention pattern and the forbidden `serverName`.
 * Returns the problems found; empty when the object is valid.
 */
const RETENTION = /^[1-9][0-9]*[dwm]$/;
const WAL_COMPRESSION = ["bzip2", "gzip", "lz4", "snappy", "xz", "zstd"];
const DATA_COMPRESSION = ["bzip2", "gzip", "lz4", "snappy"];
const CONFIG_KEYS = ["azureCredentials", "data", "destinationPath", "endpointCA", "endpointURL", "googleCredentials", "historyTags", "s3Credentials", "tags", "wal"];
const S3_KEYS = ["accessKeyId", "inheritFromIAMRole", "region", "secretAccessKey", "sessionToken"];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function secretRef(path: string, v: unknown, out: string[]): void {
  if (!isObj(v) || typeof v.name !== "string" || typeof v.key !== "string") out.push(`${path} must be { name, key }`);
}

export function checkObjectStore(obj: Obj): string[] {
  const out: string[] = [];
  if (obj.apiVersion !== "barmancloud.cnpg.io/v1") out.push(`apiVersion must be barmancloud.cnpg.io/v1, got ${String(obj.apiVersion)}`);
  if (obj.kind !== "ObjectStore") out.push(`kind must be ObjectStore, got ${String(obj.kind)}`);
  const meta = obj.metadata;
  if (!isObj(meta) || typeof meta.name !== "string" || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(meta.name)) out.push("metadata.name must be a DNS-1123 name");
  const spec = obj.spec;
  if (!isObj(spec)) return [...out, "spec is required"];
  for (const k of Object.keys(spec)) if (!["configuration", "retentionPolicy", "instanceSidecarConfiguration"].includes(k)) out.push(`spec.${k} is not a field of ObjectStoreSpec`);
  if (spec.retentionPolicy !== undefined && (typeof spec.retentionPolicy !== "string" || !RETENTION.test(spec.retentionPolicy))) {
    out.push(`spec.retentionPolicy must match ${RETENTION.source}, got ${JSON.stringify(spec.retentionPolicy)}`);
  }
  const c = spec.configuration;
  if (!isObj(c)) return [...out, "spec.configuration is required"];
  for (const k of Object.keys(c)) {
    if (k === "serverName") out.push("spec.configuration.serverName is forbidden: use the serverName plugin parameter in the Cluster");
    else if (!CONFIG_KEYS.includes(k)) out.push(`spec.configuration.${k} is not a field of BarmanObjectStoreConfiguration`);
  }
  if (typeof c.destinationPath !== "string" || !/^(s3|gs|https?):\/\/\S+$/.test(c.destinationPath)) out.push("spec.configuration.destinationPath must be an object-store URL such as s3://bucket/path");
  if (c.endpointURL !== undefined && (typeof c.endpointURL !== "string" || !/^https?:\/\/\S+$/.test(c.endpointURL))) out.push("spec.configuration.endpointURL must be an http(s) URL");
  const s3 = c.s3Credentials;
  if (s3 !== undefined) {
    if (!isObj(s3)) out.push("spec.configuration.s3Credentials must be an object");
    else {
      for (const k of Object.keys(s3)) if (!S3_KEYS.includes(k)) out.push(`spec.configuration.s3Credentials.${k} is not a field`);
      if (s3.inheritFromIAMRole !== undefined && typeof s3.inheritFromIAMRole !== "boolean") out.push("s3Credentials.inheritFromIAMRole must be a boolean");
      if (s3.inheritFromIAMRole !== true) {
        secretRef("spec.configuration.s3Credentials.accessKeyId", s3.accessKeyId, out);
        secretRef("spec.configuration.s3Credentials.secretAccessKey", s3.secretAccessKey, out);
      }
    }
  }
  const wal = c.wal;
  if (wal !== undefined) {
    if (!isObj(wal)) out.push("spec.configuration.wal must be an object");
    else {
      if (wal.compression !== undefined && !WAL_COMPRESSION.includes(String(wal.compression))) out.push(`spec.configuration.wal.compression must be one of ${WAL_COMPRESSION.join(", ")}`);
      if (wal.maxParallel !== undefined && (!Number.isInteger(wal.maxParallel) || (wal.maxParallel as number) < 1)) out.push("spec.configuration.wal.maxParallel must be an integer >= 1");
    }
  }
  const data = c.data;
  if (data !== undefined) {
    if (!isObj(data)) out.push("spec.configuration.data must be an object");
    else {
      if (data.compression !== undefined && !DATA_COMPRESSION.includes(String(data.compression))) out.push(`spec.configuration.data.compression must be one of ${DATA_COMPRESSION.join(", ")}`);
      if (data.jobs !== undefined && (!Number.isInteger(data.jobs) || (data.jobs as number) < 1)) out.push("spec.configuration.data.jobs must be an integer >= 1");
    }
  }
  return out;
}
