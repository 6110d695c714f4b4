import { describe, expect, it } from "vitest";
import {
  normalizePathPrefix,
  resolveBackupLayout,
  resolveCompression,
  restoreSourceServerName,
  serverNameFor,
  validateBucketName,
} from "./backup-layout";

const base = { stack: "prod", clusterName: "app-db", bucket: "acme-pg-backups" } as const;

describe("resolveBackupLayout defaults", () => {
  it("resolves the generation-0 layout from the stack name", () => {
    expect(resolveBackupLayout(base)).toEqual({
      bucket: "acme-pg-backups",
      clusterPrefix: "prod/app-db",
      destinationPath: "s3://acme-pg-backups/prod/app-db",
      serverName: "app-db",
      serverPrefix: "prod/app-db/app-db/",
      previousServerName: undefined,
      generation: 0,
      retentionDays: 30,
      retentionPolicy: "30d",
      barmanRetentionPolicy: "RECOVERY WINDOW OF 30 DAYS",
      // The measured defaults (DEFAULT_DATA_COMPRESSION, DEFAULT_WAL_COMPRESSION, DEFAULT_DATA_JOBS).
      data: { compression: "none", jobs: 2 },
      wal: { compression: "gzip", maxParallel: 2 },
    });
  });

  it("keeps the destination and moves the server name on each restore generation", () => {
    const g0 = resolveBackupLayout(base);
    const g1 = resolveBackupLayout({ ...base, generation: 1 });
    const g2 = resolveBackupLayout({ ...base, generation: 2 });
    expect(g1.destinationPath).toBe(g0.destinationPath);
    expect(g2.destinationPath).toBe(g0.destinationPath);
    expect([g0.serverName, g1.serverName, g2.serverName]).toEqual(["app-db", "app-db-r1", "app-db-r2"]);
    expect(g1.previousServerName).toBe("app-db");
    expect(g2.previousServerName).toBe("app-db-r1");
    expect(g1.serverPrefix).toBe("prod/app-db/app-db-r1/");
  });

  it("never lets one server's prefix be a prefix of another's", () => {
    const prefixes = [0, 1, 2, 10, 11].map((generation) => resolveBackupLayout({ ...base, generation }).serverPrefix);
    for (const a of prefixes) {
      for (const b of prefixes) if (a !== b) expect(b.startsWith(a)).toBe(false);
    }
  });

  it("separates clusters and stacks sharing a bucket", () => {
    const other = resolveBackupLayout({ ...base, clusterName: "keycloak-db" });
    const staging = resolveBackupLayout({ ...base, stack: "staging" });
    expect(other.destinationPath).toBe("s3://acme-pg-backups/prod/keycloak-db");
    expect(staging.destinationPath).toBe("s3://acme-pg-backups/staging/app-db");
  });

  it("honours pathPrefix, normalizing outer slashes, and an empty prefix", () => {
    expect(resolveBackupLayout({ ...base, pathPrefix: "/pg/prod/" }).destinationPath).toBe("s3://acme-pg-backups/pg/prod/app-db");
    expect(resolveBackupLayout({ ...base, pathPrefix: "" }).destinationPath).toBe("s3://acme-pg-backups/app-db");
    expect(resolveBackupLayout({ ...base, pathPrefix: "" }).serverPrefix).toBe("app-db/app-db/");
  });

  it("renders retention in both syntaxes", () => {
    const l = resolveBackupLayout({ ...base, retentionDays: 7 });
    expect(l.retentionPolicy).toBe("7d");
    expect(l.retentionPolicy).toMatch(/^[1-9][0-9]*[dwm]$/);
    expect(l.barmanRetentionPolicy).toBe("RECOVERY WINDOW OF 7 DAYS");
    expect(resolveBackupLayout({ ...base, retentionDays: 3650 }).retentionPolicy).toBe("3650d");
    expect(resolveBackupLayout({ ...base, retentionDays: 1 }).barmanRetentionPolicy).toBe("RECOVERY WINDOW OF 1 DAYS");
  });

  it("applies compression and WAL parallelism", () => {
    const l = resolveBackupLayout({ ...base, compression: "bzip2", walMaxParallel: 4, dataJobs: 4 });
    expect(l.data).toEqual({ compression: "bzip2", jobs: 4 });
    expect(l.wal).toEqual({ compression: "bzip2", maxParallel: 4 });
  });

  it("takes a codec per side, the other keeping its default", () => {
    expect(resolveBackupLayout({ ...base, compression: { data: "gzip" } })).toMatchObject({ data: { compression: "gzip" }, wal: { compression: "gzip" } });
    expect(resolveBackupLayout({ ...base, compression: { wal: "none" } })).toMatchObject({ data: { compression: "none" }, wal: { compression: "none" } });
    expect(resolveCompression(undefined)).toEqual({ data: "none", wal: "gzip" });
  });

  it("does not mutate its input", () => {
    const input = { ...base, generation: 3 };
    const copy = structuredClone(input);
    resolveBackupLayout(input);
    expect(input).toEqual(copy);
  });
});

describe("resolveBackupLayout errors name the field and the value", () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ["retention 0", { retentionDays: 0 }, /^backup\.retentionDays must be an integer between 1 and 3650, got 0$/],
    ["retention 3651", { retentionDays: 3651 }, /backup\.retentionDays .* got 3651/],
    ["retention fractional", { retentionDays: 1.5 }, /backup\.retentionDays .* got 1\.5/],
    ["negative generation", { generation: -1 }, /^backup\.generation must be an integer between 0 and \d+, got -1$/],
    ["fractional generation", { generation: 0.5 }, /backup\.generation .* got 0\.5/],
    ["unknown compression", { compression: "zstd" }, /^backup\.compression must be one of none, gzip, bzip2, snappy, got "zstd"$/],
    ["unknown data compression", { compression: { data: "lz4" } }, /^backup\.compression\.data must be one of none, gzip, bzip2, snappy, got "lz4"$/],
    ["unknown compression side", { compression: { base: "gzip" } }, /^backup\.compression\.base is not a field \(use "data" and "wal"\), got "gzip"$/],
    ["jobs 0", { dataJobs: 0 }, /^backup\.jobs must be an integer between 1 and 8, got 0$/],
    ["walMaxParallel 0", { walMaxParallel: 0 }, /backup\.walMaxParallel must be an integer between 1 and 32, got 0/],
    ["upper-case cluster", { clusterName: "App-DB" }, /^clusterName must be a DNS-1123 label .*, got "App-DB"$/],
    ["cluster with dot", { clusterName: "app.db" }, /clusterName .* got "app\.db"/],
    ["cluster ending in dash", { clusterName: "app-" }, /clusterName .* got "app-"/],
    ["cluster too long", { clusterName: "a".repeat(64) }, /clusterName must be a DNS-1123 label/],
    ["empty stack", { stack: "" }, /^stack must be .*, got ""$/],
    ["stack with slash", { stack: "a/b" }, /stack .* got "a\/b"/],
    ["prefix with ..", { pathPrefix: "a/../b" }, /^backup\.pathPrefix must be .*, got "a\/\.\.\/b"$/],
    ["prefix with empty segment", { pathPrefix: "a//b" }, /backup\.pathPrefix .* got "a\/\/b"/],
    ["prefix with space", { pathPrefix: "a b" }, /backup\.pathPrefix .* got "a b"/],
  ];
  for (const [name, patch, message] of cases) {
    it(name, () => {
      expect(() => resolveBackupLayout({ ...base, ...patch } as never)).toThrow(message);
    });
  }
});

describe("validateBucketName", () => {
  it("accepts ordinary names", () => {
    for (const b of ["abc", "acme-pg-backups", "acme.pg.backups", "a".repeat(63), "0bucket9"]) {
      expect(validateBucketName(b)).toBe(b);
    }
  });
  const bad: Array<[string, RegExp]> = [
    ["ab", /^backup\.bucket must be 3 to 63 characters long, got "ab"$/],
    ["a".repeat(64), /3 to 63 characters/],
    ["Acme", /lowercase letters.*got "Acme"/],
    ["acme_backups", /lowercase letters.*got "acme_backups"/],
    ["-acme", /start and end with a letter or digit/],
    ["acme.", /start and end with a letter or digit/],
    ["acme..pg", /two adjacent dots, got "acme\.\.pg"/],
    ["192.168.1.10", /IP address/],
    ["xn--acme", /reserved prefix "xn--"/],
    ["sthree-acme", /reserved prefix "sthree-"/],
    ["acme-s3alias", /reserved suffix "-s3alias"/],
    ["acme--ol-s3", /reserved suffix "--ol-s3"/],
  ];
  for (const [name, message] of bad) {
    it(`rejects ${JSON.stringify(name.length > 20 ? `${name.slice(0, 8)}…` : name)}`, () => {
      expect(() => resolveBackupLayout({ ...base, bucket: name })).toThrow(message);
    });
  }
});

describe("server-name helpers", () => {
  it("serverNameFor matches the layout", () => {
    for (const generation of [0, 1, 7]) {
      expect(serverNameFor("app-db", generation)).toBe(resolveBackupLayout({ ...base, generation }).serverName);
    }
  });

  it("restoreSourceServerName is the previous generation and refuses generation 0", () => {
    expect(restoreSourceServerName("app-db", 1)).toBe("app-db");
    expect(restoreSourceServerName("app-db", 2)).toBe("app-db-r1");
    expect(() => restoreSourceServerName("app-db", 0)).toThrow(
      /^backup\.generation must be at least 1 for a restore \(generation 0 is the original cluster\), got 0$/,
    );
    expect(() => restoreSourceServerName("App", 1)).toThrow(/clusterName/);
  });

  it("normalizePathPrefix keeps inner structure", () => {
    expect(normalizePathPrefix("//a/b.c/d_e-f//")).toBe("a/b.c/d_e-f");
    expect(normalizePathPrefix("/")).toBe("");
    expect(() => normalizePathPrefix("x".repeat(513))).toThrow(/at most 512 characters/);
  });
});
