import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const publicDir = fileURLToPath(new URL("./public/", import.meta.url));

export default defineConfig({
  // The package's entry points by name (as tsconfig.json's paths): stacks/ imports the library as an outside program would.
  resolve: {
    alias: [
      { find: /^@readiness\/platform$/, replacement: `${publicDir}index.ts` },
      { find: /^@readiness\/platform\/(alerts|dashboards|validation)$/, replacement: `${publicDir}$1.ts` },
    ],
  },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "out/**", "build/**"],
    pool: "forks",
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: the suites that start real servers must not all run at once.
    maxWorkers: 2,
  },
});
