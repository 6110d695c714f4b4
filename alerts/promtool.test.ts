/**
 * Every rendered rule file loads in promtool, and every alert passes its
 * promtool unit tests: silent before its onset, silent until its `for:`
 * elapses, firing with the right labels, resolved afterwards, and silent just
 * below its threshold.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir, removeDir } from "../test/procs";
import { applicationCases } from "./application.cases";
import { certificateCases } from "./certificates.cases";
import {
  applicationRuleGroups,
  certificateRuleGroups,
  jvmRuleGroups,
  kubernetesRuleGroups,
  monitoringRuleGroups,
  platformRuleGroups,
  postgresRuleGroups,
  redisRuleGroups,
  rabbitmqRuleGroups,
  keycloakRuleGroups,
  toRuleFileYaml,
  type AlertOptions,
  type RuleGroup,
} from "./index";
import { jvmCases } from "./jvm.cases";
import { kubernetesCases } from "./kubernetes.cases";
import { monitoringCases } from "./monitoring.cases";
import { postgresCases } from "./postgres.cases";
import { PRESENCE_SCRAPES, presenceCases } from "./presence.cases";
import { scrapePresenceGroup } from "./presence";
import { redisCases } from "./redis.cases";
import { rabbitmqCases } from "./rabbitmq.cases";
import { keycloakCases } from "./keycloak.cases";
import { promtool, uncoveredAlerts, unitTestGroups, writeUnitTestFiles, type DomainCases } from "./promtool-harness";

const OPTS: AlertOptions = { runbookBaseUrl: "https://runbooks.example.com/platform" };

const DOMAINS: readonly { name: string; groups: (o: AlertOptions) => RuleGroup[]; cases: DomainCases; alwaysFiring?: string[] }[] = [
  { name: "application", groups: applicationRuleGroups, cases: applicationCases },
  { name: "jvm", groups: jvmRuleGroups, cases: jvmCases },
  { name: "kubernetes", groups: kubernetesRuleGroups, cases: kubernetesCases },
  { name: "certificates", groups: certificateRuleGroups, cases: certificateCases },
  { name: "monitoring", groups: monitoringRuleGroups, cases: monitoringCases, alwaysFiring: ["Watchdog"] },
  { name: "postgres", groups: postgresRuleGroups, cases: postgresCases },
  { name: "presence", groups: (o) => [scrapePresenceGroup("test.scrapes", PRESENCE_SCRAPES, o)], cases: presenceCases },
  { name: "redis", groups: redisRuleGroups, cases: redisCases },
  { name: "rabbitmq", groups: rabbitmqRuleGroups, cases: rabbitmqCases },
  { name: "keycloak", groups: keycloakRuleGroups, cases: keycloakCases },
];

/** Every key overridden, as a stack might: the files must still load. */
const OVERRIDES: AlertOptions = {
  ...OPTS,
  thresholds: { "app.errorRatio": 0.02, "app.latencyP95Seconds": 0.5, "jvm.heapUsedRatio": 0.8, "pg.connectionsRatio": 0.75, "pg.deadlocks": 3 },
  durations: {
    "app.errorRate.window": "10s",
    "app.errorRate.for": "5s",
    "app.down.for": "0s",
    "pg.backup.maxAge": "1d2h",
    "cert.expiry.within": "21d",
    "monitoring.targetsDown.for": "1h30m",
  },
  selectors: { "app.targets": 'namespace=~"shop|web"', "pg.targets": 'job=~".*/pg-.*"' },
};

let dir = "";
beforeAll(() => {
  dir = makeTempDir("alerts-promtool");
});
afterAll(() => removeDir(dir));

function expectPromtoolOk(args: readonly string[]): string {
  const r = promtool(args, dir);
  const output = `promtool ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`;
  expect(r.code, output).toBe(0);
  return output;
}

describe("promtool check rules", () => {
  it("accepts every rule file rendered with defaults and with overrides", () => {
    const files: string[] = [];
    for (const [label, opts] of [["defaults", OPTS], ["overrides", OVERRIDES]] as const) {
      for (const [name, groups] of [["platform", platformRuleGroups(opts)], ["postgres", postgresRuleGroups(opts)], ["redis", redisRuleGroups(opts)], ["rabbitmq", rabbitmqRuleGroups(opts)], ["keycloak", keycloakRuleGroups(opts)]] as const) {
        const file = join(dir, `${name}-${label}.rules.yml`);
        writeFileSync(file, toRuleFileYaml(groups));
        files.push(file);
      }
    }
    const out = expectPromtoolOk(["check", "rules", ...files]);
    expect(out.match(/SUCCESS/g)?.length).toBe(files.length);
  });
});

describe.each(DOMAINS)("promtool test rules: $name", (domain) => {
  const groups = domain.groups(OPTS);

  it("has a firing case (with resolution) and a silent case for every alert", () => {
    expect(uncoveredAlerts(groups, domain.cases, domain.alwaysFiring)).toEqual([]);
  });

  it("passes every unit test", () => {
    const files = writeUnitTestFiles(dir, domain.name, toRuleFileYaml(groups), unitTestGroups(groups, domain.cases));
    const out = expectPromtoolOk(["test", "rules", ...files]);
    expect(out.match(/SUCCESS/g)?.length).toBe(files.length);
  });
});
