import { describe, expect, it } from "vitest";
import { modelModule, validateObject } from "./k8s-schema";

const deployment = () => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "x", namespace: "n" },
  spec: { selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "x", image: "x:1" }] } } },
});

describe("schema validation can fail", () => {
  it("accepts a valid Deployment", async () => {
    expect(await validateObject(deployment())).toEqual({ status: "valid" });
  });

  it("rejects a Deployment with a wrongly typed field", async () => {
    const d = deployment() as Record<string, any>;
    d.spec.replicas = "three";
    const r = await validateObject(d);
    expect(r.status).toBe("invalid");
  });

  it("rejects a container without an image name type / missing required field", async () => {
    const d = deployment() as Record<string, any>;
    delete d.spec.template.spec.containers[0].name;
    expect((await validateObject(d)).status).toBe("invalid");
  });

  it("rejects a ServiceMonitor whose endpoints is not a list", async () => {
    const sm = { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "m", namespace: "n" }, spec: { selector: {}, endpoints: { port: "http" } } };
    expect((await validateObject(sm)).status).toBe("invalid");
  });

  it("rejects an unknown built-in kind and reports CRDs without a schema", async () => {
    expect((await validateObject({ apiVersion: "apps/v1", kind: "Deploymnet", metadata: { name: "x" } })).status).toBe("invalid");
    expect(await validateObject({ apiVersion: "example.com/v1", kind: "Thing", metadata: { name: "x" } })).toEqual({ status: "no-schema" });
    expect(modelModule("postgresql.cnpg.io/v1", "Cluster")).toBe("@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/Cluster");
  });
});
