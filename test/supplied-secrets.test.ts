/**
 * `platform:suppliedSecrets` end to end through the render: with every value supplied, a stack
 * registers no random resource at all, every generated Secret (and the backup store's
 * credentials) holds the supplied value, and the render never writes one.
 */
import { describe, expect, it } from "vitest";
import { isSecretValue, mapSecrets } from "../render/mocks";
import { renderFiles } from "../render/write";
import { readStackConfig, renderStack, withConfig } from "./harness";
import { suppliedSecretValues } from "./supplied-secrets";

describe("platform:suppliedSecrets", () => {
  for (const stack of ["local", "pr-7"]) {
    it(`${stack}: every value supplied means no random resource, and each Secret holds its value`, async () => {
      const values = suppliedSecretValues();
      const plain = await renderStack(stack);
      expect(plain.recorder.resources.filter((r) => r.type.startsWith("random:")).length).toBeGreaterThan(0);
      const run = await renderStack(stack, withConfig(readStackConfig(stack), { suppliedSecrets: values }, ["platform:suppliedSecrets"]));
      expect(run.recorder.resources.filter((r) => r.type.startsWith("random:")).map((r) => r.name)).toEqual([]);
      // The same Kubernetes objects, by kind and name, as with generated values.
      const names = (r: typeof run) => r.recorder.resources.filter((x) => x.type.startsWith("kubernetes:")).map((x) => `${x.type} ${x.name}`).sort();
      expect(names(run)).toEqual(names(plain));
      const secretData = (name: string) => {
        const r = run.recorder.resources.find((x) => x.inputs.kind === "Secret" && (x.inputs.metadata as { name: string }).name === name);
        expect(r, `Secret ${name}`).toBeDefined();
        const data = r!.inputs.stringData;
        // Sent as a secret (the kubernetes SDK wraps the whole stringData, or a value is one).
        expect(isSecretValue(data) || Object.values(data as object).some(isSecretValue)).toBe(true);
        return mapSecrets(data, (v) => v) as Record<string, string>;
      };
      expect(secretData("redis").password).toBe(values.redis);
      expect(secretData("jwt-signing-key").key).toBe(values["jwt-signing-key"]);
      const store = Object.values(secretData("app-db-object-store-credentials"));
      expect(store.sort()).toEqual([values["object-store-access-key"], values["object-store-secret-key"]].sort());
      const written = [...renderFiles(run).files.values()].join("\n");
      for (const v of Object.values(values)) expect(written.includes(v), "a supplied value in the render").toBe(false);
    }, 120_000);
  }
});
