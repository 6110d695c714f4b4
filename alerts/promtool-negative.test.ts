/**
 * The checks can fail: promtool rejects a broken rule file, and a unit test
 * with a wrong expectation (wrong label, or firing one evaluation too late)
 * fails. Without these, a green promtool run would prove nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir, removeDir } from "../test/procs";
import { applicationCases } from "./application.cases";
import { applicationRuleGroups, platformRuleGroups, toRuleFileYaml, type AlertRule, type RuleGroup } from "./index";
import { promtool, unitTestGroups, writeUnitTestFiles, type DomainCases } from "./promtool-harness";
import { isAlertRule } from "./types";

const OPTS = { runbookBaseUrl: "https://runbooks.example.com/platform" };

let dir = "";
beforeAll(() => {
  dir = makeTempDir("alerts-negative");
});
afterAll(() => removeDir(dir));

/** The platform rules with the first alert changed by `edit`. */
function withFirstAlert(edit: (r: AlertRule) => AlertRule): RuleGroup[] {
  let done = false;
  return platformRuleGroups(OPTS).map((g) => ({
    ...g,
    rules: g.rules.map((r) => {
      if (done || !isAlertRule(r)) return r;
      done = true;
      return edit(r);
    }),
  }));
}

function check(name: string, groups: readonly RuleGroup[]) {
  const file = join(dir, `${name}.rules.yml`);
  writeFileSync(file, toRuleFileYaml(groups));
  return promtool(["check", "rules", file], dir);
}

describe("promtool check rules rejects", () => {
  it("a type error: rate() of an instant vector", () => {
    const r = check("rate-up", withFirstAlert((a) => ({ ...a, expr: "rate(up) > 0" })));
    expect(r.code, r.stdout + r.stderr).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/range vector/);
  });

  it("a syntax error", () => {
    const r = check("syntax", withFirstAlert((a) => ({ ...a, expr: "sum(up > 0" })));
    expect(r.code, r.stdout + r.stderr).not.toBe(0);
  });

  it("a broken annotation template", () => {
    const r = check("template", withFirstAlert((a) => ({ ...a, annotations: { ...a.annotations, summary: "{{ $value | noSuchFunction }}" } })));
    expect(r.code, r.stdout + r.stderr).not.toBe(0);
  });

  it("while the unmodified rules pass (control)", () => {
    const r = check("control", platformRuleGroups(OPTS));
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
});

describe("promtool test rules fails on a wrong expectation", () => {
  const groups = applicationRuleGroups(OPTS);
  const errorRate = applicationCases.firing.find((c) => c.alert === "ApplicationHighErrorRate")!;

  function runCases(name: string, cases: DomainCases) {
    const files = writeUnitTestFiles(dir, name, toRuleFileYaml(groups), unitTestGroups(groups, cases));
    return promtool(["test", "rules", ...files], dir);
  }

  it("a wrong severity label", () => {
    const r = runCases("wrong-label", { firing: [{ ...errorRate, labels: { ...errorRate.labels, severity: "warning" } }], silent: [] });
    expect(r.code, r.stdout).not.toBe(0);
    expect(r.stdout + r.stderr).toContain("FAILED");
  });

  it("an onset one minute late (the alert already fires when the test expects it pending)", () => {
    const r = runCases("late", { firing: [{ ...errorRate, onset: errorRate.onset + 1 }], silent: [] });
    expect(r.code, r.stdout).not.toBe(0);
  });

  it("a claim that a firing scenario stays silent", () => {
    const r = runCases("silent", { firing: [], silent: [{ alert: errorRate.alert, name: "wrong", series: errorRate.series, at: [5] }] });
    expect(r.code, r.stdout).not.toBe(0);
  });

  it("while the correct case passes (control)", () => {
    const r = runCases("control", { firing: [errorRate], silent: [] });
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
});
