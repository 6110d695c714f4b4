/**
 * Pulumi runtime mocks that record every registered resource (type, name,
 * inputs, parent, dependencies) — the engine of the offline render and of the
 * test harness. Inputs are echoed back as state so dependent outputs resolve;
 * random resources get real random values (which the render must never write).
 */
import * as pulumi from "@pulumi/pulumi";
import { randomBytes, randomInt } from "node:crypto";

export interface RecordedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  /** Inputs as the SDK sent them; secret values stay wrapped (see `isSecretValue`). */
  readonly inputs: Record<string, unknown>;
  /** URN of the parent, "" for a root resource. */
  readonly parent: string;
  /** URNs this resource depends on explicitly or through its inputs. */
  readonly dependencies: readonly string[];
  readonly provider?: string;
  /** Registration order, for stable output. */
  readonly seq: number;
}

export class ResourceRecorder {
  readonly resources: RecordedResource[] = [];
  /** Every secret value a mock generated during the run (random passwords, keys). */
  readonly generatedSecrets: string[] = [];

  byType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The Kubernetes objects of a kind (e.g. "Deployment"). */
  kind(kind: string): RecordedResource[] {
    return this.resources.filter((r) => r.type.startsWith("kubernetes:") && r.inputs.kind === kind);
  }

  get(type: string, name: string): RecordedResource {
    const r = this.resources.find((x) => x.type === type && x.name === name);
    if (!r) throw new Error(`no ${type} named ${name}; have: ${this.resources.map((x) => `${x.type}/${x.name}`).join(", ")}`);
    return r;
  }

  byUrn(urn: string): RecordedResource | undefined {
    return this.resources.find((r) => r.urn === urn);
  }

  /** The chain of ancestors from the root down to (excluding) the resource. */
  ancestors(r: RecordedResource): RecordedResource[] {
    const chain: RecordedResource[] = [];
    let cur = r.parent ? this.byUrn(r.parent) : undefined;
    while (cur) {
      chain.unshift(cur);
      cur = cur.parent ? this.byUrn(cur.parent) : undefined;
    }
    return chain;
  }
}

const SPECIAL_SIG = pulumi.runtime.specialSigKey;
const SECRET_SIG = pulumi.runtime.specialSecretSig;

export function isSecretValue(v: unknown): v is { value: unknown } {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SPECIAL_SIG] === SECRET_SIG;
}

/** Replaces every secret value (at any depth) with `replace(value)`. */
export function mapSecrets(v: unknown, replace: (secret: unknown) => unknown): unknown {
  if (isSecretValue(v)) return replace(v.value);
  if (Array.isArray(v)) return v.map((x) => mapSecrets(x, replace));
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = mapSecrets(x, replace);
    return out;
  }
  return v;
}

function randomString(inputs: Record<string, unknown>): string {
  const length = Number(inputs.length ?? 16);
  let alphabet = "";
  if (inputs.lower !== false) alphabet += "abcdefghijklmnopqrstuvwxyz";
  if (inputs.upper !== false) alphabet += "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  if (inputs.numeric !== false && inputs.number !== false) alphabet += "0123456789";
  if (inputs.special !== false) alphabet += typeof inputs.overrideSpecial === "string" ? inputs.overrideSpecial : "!@#$%&*()-_=+[]{}<>:?";
  if (alphabet === "") alphabet = "abcdefghijklmnopqrstuvwxyz";
  let s = "";
  for (let i = 0; i < length; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

function mockState(type: string, name: string, inputs: Record<string, unknown>, rec: ResourceRecorder): { id: string; state: Record<string, unknown> } {
  switch (type) {
    case "random:index/randomPassword:RandomPassword":
    case "random:index/randomString:RandomString": {
      const result = randomString(inputs);
      rec.generatedSecrets.push(result);
      return { id: `${name}-id`, state: { ...inputs, result } };
    }
    case "random:index/randomBytes:RandomBytes": {
      const buf = randomBytes(Number(inputs.length ?? 32));
      rec.generatedSecrets.push(buf.toString("base64"), buf.toString("hex"));
      return { id: `${name}-id`, state: { ...inputs, base64: buf.toString("base64"), hex: buf.toString("hex") } };
    }
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2": {
      const bucket = String(inputs.bucket ?? name);
      return { id: bucket, state: { ...inputs, bucket, arn: `arn:aws:s3:::${bucket}` } };
    }
    case "aws:iam/role:Role":
    case "aws:iam/policy:Policy":
      return { id: String(inputs.name ?? name), state: { ...inputs, name: inputs.name ?? name, arn: `arn:aws:iam::123456789012:${type.endsWith("Role") ? "role" : "policy"}/${String(inputs.name ?? name)}` } };
    default:
      return { id: `${name}-id`, state: { ...inputs } };
  }
}

interface PendingMeta {
  parent: string;
  dependencies: string[];
}

/**
 * Installs the recording mocks for one run of a program as `stack`, with the
 * given config. Returns the recorder that fills up as resources register.
 */
export function installMocks(opts: {
  project: string;
  stack: string;
  config: Record<string, string>;
  secretKeys: readonly string[];
}): ResourceRecorder {
  const rec = new ResourceRecorder();
  let pending: PendingMeta | undefined;
  let seq = 0;
  pulumi.runtime.setAllConfig(opts.config, [...opts.secretKeys]);
  const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
      const meta = pending ?? { parent: "", dependencies: [] };
      pending = undefined;
      const inputs = (args.inputs ?? {}) as Record<string, unknown>;
      const { id, state } = mockState(args.type, args.name, inputs, rec);
      const parentType = meta.parent ? meta.parent.split("::")[2]!.split("$").pop()! : "";
      const qualified = parentType ? `${parentType}$${args.type}` : args.type;
      rec.resources.push({
        urn: `urn:pulumi:${opts.stack}::${opts.project}::${qualified}::${args.name}`,
        type: args.type,
        name: args.name,
        custom: args.custom !== false,
        inputs,
        parent: meta.parent,
        dependencies: meta.dependencies,
        provider: args.provider,
        seq: seq++,
      });
      return { id, state };
    },
    call(args) {
      switch (args.token) {
        case "aws:iam/getPolicyDocument:getPolicyDocument":
          return { json: JSON.stringify(args.inputs), id: "policy" };
        case "aws:index/getCallerIdentity:getCallerIdentity":
          return { accountId: "123456789012", arn: "arn:aws:iam::123456789012:user/render", userId: "render" };
        default:
          return args.inputs;
      }
    },
  };
  pulumi.runtime.setMocks(mocks, opts.project, opts.stack, false);
  // The mock monitor does not pass parents or dependencies to `newResource`:
  // read them off the request, which `registerResource` hands to the mock
  // synchronously before its first await.
  const settings = require("@pulumi/pulumi/runtime/settings") as { getMonitor(): unknown };
  const monitor = settings.getMonitor() as {
    registerResource(req: { getParent(): string; getDependenciesList(): string[] }, cb: unknown): unknown;
  };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    pending = { parent: req.getParent() ?? "", dependencies: [...(req.getDependenciesList?.() ?? [])].sort() };
    return original(req, cb);
  };
  return rec;
}

/** Waits until every outstanding registration and output has settled. */
export async function settle(): Promise<void> {
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
  for (let i = 0; i < 3; i++) {
    await settings.waitForRPCs();
    await new Promise((r) => setImmediate(r));
  }
}

/** Resolves an Output (or plain value) to its value, unwrapping secrets. */
export async function resolve<T>(o: pulumi.Input<T>): Promise<T> {
  const out = pulumi.output(o) as unknown as { promise(): Promise<T> };
  return await out.promise();
}
