/** The rotation-stamp helper other components call (components/secrets/rotation.ts). */
import { describe, expect, it } from "vitest";
import { rotationAnnotations, rotationAnnotationsFor, rotationStamp, secretsReadBy, SECRET_ROTATION_ANNOTATION } from "./rotation";

const stamps = { "core-api-db": "2", redis: "0", nextauth: "0" };

describe("secretsReadBy", () => {
  it("finds env, envFrom, secret and projected volumes in every kind of container", () => {
    const spec = {
      initContainers: [{ name: "migrate", env: [{ name: "DB", valueFrom: { secretKeyRef: { name: "core-api-db", key: "password" } } }] }],
      containers: [
        { name: "app", env: [{ name: "A", value: "x" }, { name: "B", valueFrom: { configMapKeyRef: { name: "cm", key: "k" } } }], envFrom: [{ secretRef: { name: "redis" } }, { configMapRef: { name: "cm2" } }] },
      ],
      volumes: [{ name: "tls", secret: { secretName: "app-tls" } }, { name: "p", projected: { sources: [{ secret: { name: "nextauth" } }, { configMap: { name: "cm3" } }] } }],
    };
    expect(secretsReadBy(spec)).toEqual(["app-tls", "core-api-db", "nextauth", "redis"]);
    expect(secretsReadBy(undefined)).toEqual([]);
  });
});

describe("rotationStamp", () => {
  it("lists the generated secrets read, sorted, with their counters; others don't count", () => {
    expect(rotationStamp(["redis", "core-api-db", "app-tls", "redis"], stamps)).toBe("core-api-db=2,redis=0");
    expect(rotationStamp(["app-tls"], stamps)).toBeUndefined();
    expect(rotationAnnotationsFor(["nextauth"], stamps)).toEqual({ [SECRET_ROTATION_ANNOTATION]: "nextauth=0" });
    expect(rotationAnnotationsFor([], stamps)).toEqual({});
  });

  it("changes for exactly the pods reading a bumped secret", () => {
    const api = { containers: [{ env: [{ name: "P", valueFrom: { secretKeyRef: { name: "core-api-db", key: "password" } } }] }] };
    const web = { containers: [{ envFrom: [{ secretRef: { name: "nextauth" } }] }] };
    const bumped = { ...stamps, "core-api-db": "3" };
    expect(rotationAnnotations(api, bumped)).not.toEqual(rotationAnnotations(api, stamps));
    expect(rotationAnnotations(web, bumped)).toEqual(rotationAnnotations(web, stamps));
  });
});
