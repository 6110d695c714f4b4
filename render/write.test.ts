import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { mockRuntime, settle } from "../test/harness";
import { formatTable, redact, SECRET_PLACEHOLDER, toYaml } from "./write";

const secret = (value: unknown) => ({ [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value });

describe("redact", () => {
  it("replaces secret-marked values at any depth, keeping the rest", () => {
    const out = redact({ values: { grafana: { adminPassword: secret("hunter2"), replicas: 2 }, list: [secret("a"), "b"] } });
    expect(out).toEqual({ values: { grafana: { adminPassword: SECRET_PLACEHOLDER, replicas: 2 }, list: [SECRET_PLACEHOLDER, "b"] } });
    expect(JSON.stringify(out)).not.toContain("hunter2");
  });

  it("keeps a Secret's keys but never its values, even unmarked ones", () => {
    const out = redact({ apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, stringData: secret({ password: "p4ss", username: "u" }), data: { key: "c2VjcmV0" } });
    expect(out.stringData).toEqual({ password: SECRET_PLACEHOLDER, username: SECRET_PLACEHOLDER });
    expect(out.data).toEqual({ key: SECRET_PLACEHOLDER });
  });

  it("drops undefined and null fields so the YAML shows what is sent", () => {
    expect(redact({ a: undefined, b: null, c: { d: undefined, e: 1 } })).toEqual({ c: { e: 1 } });
  });
});

describe("YAML and table", () => {
  it("orders apiVersion, kind, metadata first and the rest alphabetically, deterministically", () => {
    const y = toYaml({ spec: { z: 1, a: 2 }, metadata: { namespace: "ns", name: "x" }, kind: "K", apiVersion: "v1" });
    expect(y).toBe("apiVersion: v1\nkind: K\nmetadata:\n  name: x\n  namespace: ns\nspec:\n  a: 2\n  z: 1\n");
  });

  it("formats the summary table with aligned columns", () => {
    const t = formatTable([{ component: "core-api", kind: "Deployment", count: 1 }, { component: "db", kind: "Cluster", count: 12 }]);
    expect(t.split("\n")).toEqual(["component | kind       | count", "----------+------------+------", "core-api  | Deployment | 1    ", "db        | Cluster    | 12   "]);
  });
});

describe("recorder", () => {
  it("records each resource's parent and explicit dependencies", async () => {
    const rec = mockRuntime();
    class Parent extends pulumi.ComponentResource {
      constructor() {
        super("test:index:Parent", "p");
      }
    }
    class Thing extends pulumi.CustomResource {
      constructor(name: string, opts: pulumi.CustomResourceOptions) {
        super("test:index:Thing", name, {}, opts);
      }
    }
    const p = new Parent();
    const a = new Thing("a", { parent: p });
    new Thing("b", { parent: p, dependsOn: [a] });
    await settle();
    const parent = rec.get("test:index:Parent", "p");
    const b = rec.get("test:index:Thing", "b");
    expect(rec.get("test:index:Thing", "a").parent).toBe(parent.urn);
    expect(b.parent).toBe(parent.urn);
    expect(b.dependencies).toEqual([rec.get("test:index:Thing", "a").urn]);
    expect(rec.ancestors(b).map((r) => r.name)).toEqual(["p"]);
  });
});
