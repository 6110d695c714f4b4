import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "out/**"],
    pool: "forks",
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: the suites that start real servers must not all run at once.
    maxWorkers: 2,
  },
});
