/**
 * Command-line manners of every command the project ships, run as a user runs
 * them (a Node process): --help with examples, one-line errors with exit 2 for
 * missing or unknown arguments, and the readiness report on stdout.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../render/stack-file";
import { makeTempDir, removeDir } from "./procs";

function run(script: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", script), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    // No Pulumi CLI on PATH: the preview command must say so in one line.
    env: { ...process.env, PATH: `${join(ROOT, "node_modules", ".bin")}:/usr/bin:/bin`, ...env },
    timeout: 180_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const oneLine = (s: string) => s.trim().split("\n").length === 1;

describe.each([
  ["render.ts", "npm run render --"],
  ["readiness.ts", "npm run readiness --"],
  ["preview.ts", "npm run preview --"],
])("%s", (script, name) => {
  it("prints usage with examples for --help, exit 0", () => {
    const r = run(script, ["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\S.*\n\nUsage:\n/);
    expect(r.stdout).toContain(`  ${name} `);
    expect(r.stdout).toMatch(/\nExamples:\n {2}(npm run|npm start)/);
    expect(r.stderr).toBe("");
  });

  it("refuses an unknown option in one line, exit 2", () => {
    const r = run(script, ["--bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: unknown option --bogus (usage: ${name} --help)\n`);
  });
});

describe("missing values and arguments", () => {
  it("render: --stack without a value (used to print a stack trace)", () => {
    const r = run("render.ts", ["--stack"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: --stack needs a value (usage: npm run render -- --help)\n");
  });

  it("render and readiness: no --stack at all", () => {
    for (const s of ["render.ts", "readiness.ts"]) {
      const r = run(s, []);
      expect(r.code, s).toBe(2);
      expect(r.stderr, s).toMatch(/^error: --stack <name> is required/);
      expect(oneLine(r.stderr)).toBe(true);
    }
  });

  it("readiness: a bad --format and an unknown stack", () => {
    const f = run("readiness.ts", ["--stack", "prod", "--format", "pdf"]);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/^error: --format must be markdown or json, got "pdf"/);
    const s = run("readiness.ts", ["--stack", "qa"]);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/^error: stack "qa": unknown stack/);
    expect(oneLine(s.stderr)).toBe(true);
  });

  it("preview: no command, an unknown one, a shared stack, a :latest image, a missing image", () => {
    const cases: [string[], RegExp][] = [
      [[], /^error: a command is required: up, down, list or reap/],
      [["deploy"], /^error: unknown command "deploy"/],
      [["down"], /^error: down needs a stack name/],
      [["up", "prod", "--image", "coreApi=a:1", "--image", "web=b:1"], /^error: "prod" is not a preview stack name/],
      [["up", "pr-7", "--image", "coreApi=ghcr.io/acme/core-api:latest"], /^error: --image coreApi=ghcr\.io\/acme\/core-api:latest: preview images come from the PR's build/],
      [["up", "pr-7", "--image", "coreApi=ghcr.io/acme/core-api:pr-7-abc"], /^error: up needs an image per app, missing: --image web=<ref>/],
      [["up", "pr-7", "--image", "api=x:1"], /^error: --image api=x:1: unknown app "api"/],
      [["up", "pr-7", "--image", "coreApi=a:1", "--image", "web=b:1", "--ttl", "forever"], /^error: --ttl: "forever" is not a duration/],
      [["reap", "--now", "tomorrow"], /^error: --now tomorrow: not a time/],
      [["list", "--dry-run"], /^error: --dry-run only applies to reap/],
    ];
    for (const [args, re] of cases) {
      const r = run("preview.ts", args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(re);
      expect(oneLine(r.stderr), args.join(" ")).toBe(true);
    }
  });

  it("preview: without the Pulumi CLI on PATH, one line that says so, exit 1", () => {
    const r = run("preview.ts", ["reap", "--dry-run"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n").pop()).toMatch(/^error: the Pulumi CLI is needed for preview stacks and pulumi is not on PATH/);
  });
});

describe("readiness report", () => {
  it("prints the Markdown report for prod and writes it with a badge", () => {
    const dir = makeTempDir("readiness-cli");
    try {
      const r = run("readiness.ts", ["--stack", "prod", "--out", dir]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^# Production readiness: stack `prod` \(prod\)\n/);
      expect(r.stdout).toMatch(/\*\*Score: \d+%\*\*/);
      expect(r.stdout).toContain("## What's missing");
      expect(readFileSync(join(dir, "prod.md"), "utf8")).toBe(r.stdout);
      expect(existsSync(join(dir, "prod.svg"))).toBe(true);
      const card = JSON.parse(readFileSync(join(dir, "prod.json"), "utf8")) as { total: number };
      expect(readFileSync(join(dir, "prod.svg"), "utf8")).toContain(`>${card.total}%</text>`);
    } finally {
      removeDir(dir);
    }
  });
});
