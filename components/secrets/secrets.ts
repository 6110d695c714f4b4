import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { childDependsOn } from "../lib/deps";
import { invalidArg } from "../lib/errors";
import { standardLabels } from "../lib/labels";
import { LOGIN_SYMBOLS, PLATFORM_SECRETS, dataKeyOf, suppliedValueProblem, type SecretSpec } from "./catalog";
import type { RotationStamps } from "./rotation";

/** Args of {@link GeneratedSecrets}: the namespace, the stack, which secrets to generate and their rotation values. */
export interface GeneratedSecretsArgs {
  /** Namespace of the Kubernetes Secrets. */
  readonly namespace: pulumi.Input<string>;
  /** The stack (app.kubernetes.io/instance). */
  readonly instance: string;
  /**
   * Rotation values by secret name: changing one regenerates exactly that
   * secret (it is a keeper of its random resource); pod templates stamped with
   * `rotation` (rotation.ts) roll. Caution: consumers that read the old value keep
   * it until they restart, and services that check it (a database role) switch at once.
   * @default {}
   * @example { "core-api-migrate": 2 }
   */
  readonly rotation?: Readonly<Record<string, string | number>>;
  /** What to generate. @default PLATFORM_SECRETS */
  readonly secrets?: readonly SecretSpec[];
  /**
   * Values to use instead of generating, by secret name: an existing environment's credentials
   * being adopted, or values kept in a vault. Each becomes a Pulumi secret and no random resource
   * is created for it; the Kubernetes Secret, its consumers and the rotation stamps stay the same.
   * A plain string is checked against the secret's spec (`suppliedValueProblem`). To rotate a
   * supplied secret, change its value and bump its `rotation` counter in the same update (the
   * counter is what rolls the pods that read it).
   * @default {}
   */
  readonly supplied?: Readonly<Record<string, pulumi.Input<string>>>;
}

/** A generated secret: where it lives, and its value as a Pulumi secret output. */
export interface GeneratedSecret {
  /** The spec it was generated from. */
  readonly spec: SecretSpec;
  /** The Kubernetes Secret's name (in the component's namespace). */
  readonly secretName: string;
  /** The data key holding the value. */
  readonly key: string;
  /** The value, always a secret output. */
  readonly value: pulumi.Output<string>;
  /** Username stored beside the password (`username` key of a basic-auth Secret); undefined for keys. */
  readonly username?: string;
  /** The Kubernetes Secret holding the value. */
  readonly secret: k8s.core.v1.Secret;
}

/** Checks the specs and the rotation map; pure, throws on the first problem. */
export function validateSecretsArgs(args: GeneratedSecretsArgs): readonly SecretSpec[] {
  const specs = args.secrets ?? PLATFORM_SECRETS;
  const names = new Set<string>();
  for (const s of specs) {
    if (names.has(s.name)) invalidArg("GeneratedSecrets", `secrets[${s.name}]`, s.name, "is declared twice");
    names.add(s.name);
    if (s.spec.kind === "password" && (s.spec.length < 16 || s.spec.length > 128)) invalidArg("GeneratedSecrets", `${s.name}.length`, s.spec.length, "must be between 16 and 128");
    if (s.spec.kind === "key" && (s.spec.bytes < 16 || s.spec.bytes > 512)) invalidArg("GeneratedSecrets", `${s.name}.bytes`, s.spec.bytes, "must be between 16 and 512");
  }
  for (const [k, v] of Object.entries(args.supplied ?? {})) {
    const spec = specs.find((s) => s.name === k);
    if (!spec) invalidArg("GeneratedSecrets", `supplied.${k}`, "<secret>", `names no generated secret; known: ${[...names].join(", ")}`);
    const problem = typeof v === "string" ? suppliedValueProblem(spec, v) : undefined;
    if (problem) invalidArg("GeneratedSecrets", `supplied.${k}`, "<secret>", problem);
  }
  const former = new Map(specs.flatMap((s) => (s.formerNames ?? []).map((f) => [f, s.name] as const)));
  for (const k of Object.keys(args.rotation ?? {})) {
    const now = former.get(k);
    if (now !== undefined && args.rotation![now] !== undefined) invalidArg("GeneratedSecrets", `rotation.${k}`, args.rotation![k], `is the former name of ${now}, which has its own rotation entry: keep one`);
    if (!names.has(k) && now === undefined) invalidArg("GeneratedSecrets", `rotation.${k}`, args.rotation![k], `names no generated secret; known: ${[...names].join(", ")}`);
  }
  return specs;
}

/**
 * Generates every platform secret with @pulumi/random (or takes the value `supplied` for it),
 * stores each in a Kubernetes Secret and exposes it only as a Pulumi secret output.
 */
export class GeneratedSecrets extends pulumi.ComponentResource {
  /** Every generated secret, by name. */
  public readonly secrets: Readonly<Record<string, GeneratedSecret>>;
  /**
   * Rotation counter of every generated secret ("0" until rotated), for the pod templates
   * that read them: `rotationAnnotations(podSpec, secrets.rotation)` (rotation.ts).
   */
  public readonly rotation: RotationStamps;

  constructor(name: string, args: GeneratedSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:core:GeneratedSecrets", name, {}, opts);
    const specs = validateSecretsArgs(args);
    const out: Record<string, GeneratedSecret> = {};
    for (const s of specs) {
      const formerRotation = (s.formerNames ?? []).map((f) => args.rotation?.[f]).find((v) => v !== undefined);
      const keepers = { rotation: String(args.rotation?.[s.name] ?? formerRotation ?? 0) };
      // A renamed secret keeps its resources (and so its value): no replacement, no rotation.
      const aliases = (suffix: string) => (s.formerNames ?? []).map((f) => ({ name: `${name}-${f}${suffix}` }));
      let value: pulumi.Output<string>;
      const supplied = args.supplied?.[s.name];
      if (supplied !== undefined) {
        value = pulumi.secret(supplied);
      } else if (s.spec.kind === "password") {
        const pw = new random.RandomPassword(
          `${name}-${s.name}`,
          {
            length: s.spec.length,
            upper: true,
            lower: true,
            numeric: true,
            special: s.spec.alphabet === "login",
            overrideSpecial: s.spec.alphabet === "login" ? LOGIN_SYMBOLS : undefined,
            minUpper: 2,
            minLower: 2,
            minNumeric: 2,
            minSpecial: s.spec.alphabet === "login" ? 2 : 0,
            keepers,
          },
          { parent: this, aliases: aliases("") },
        );
        value = pulumi.secret(pw.result);
      } else {
        const key = new random.RandomBytes(`${name}-${s.name}`, { length: s.spec.bytes, keepers }, { parent: this, aliases: aliases("") });
        value = pulumi.secret(key.base64);
      }
      const dataKey = dataKeyOf(s);
      const username = s.spec.kind === "password" ? s.spec.username : undefined;
      const stringData: Record<string, pulumi.Input<string>> = { [dataKey]: value };
      if (username) stringData.username = username;
      const secret = new k8s.core.v1.Secret(
        `${name}-${s.name}-secret`,
        {
          metadata: {
            name: s.name,
            namespace: args.namespace,
            labels: standardLabels({ name: s.name, instance: args.instance, component: "secret" }),
            annotations: { "platform.dev/description": s.description, "platform.dev/rotation": keepers.rotation },
          },
          type: username ? "kubernetes.io/basic-auth" : "Opaque",
          stringData,
        },
        { parent: this, dependsOn: childDependsOn(opts?.dependsOn), aliases: aliases("-secret") },
      );
      out[s.name] = { spec: s, secretName: s.name, key: dataKey, value, username, secret };
    }
    this.secrets = out;
    this.rotation = Object.fromEntries(specs.map((s) => [s.name, String(args.rotation?.[s.name] ?? (s.formerNames ?? []).map((f) => args.rotation?.[f]).find((v) => v !== undefined) ?? 0)]));
    this.registerOutputs({ names: Object.keys(out) });
  }

  /** The generated secret `name`; throws naming the known ones if absent. */
  get(name: string): GeneratedSecret {
    const s = this.secrets[name];
    if (!s) throw new Error(`GeneratedSecrets: no secret "${name}"; known: ${Object.keys(this.secrets).join(", ")}`);
    return s;
  }
}
