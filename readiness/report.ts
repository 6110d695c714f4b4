/**
 * The scorecard as a team pastes it into a review (Markdown) and as a badge
 * (SVG), plus where the repository's promtool-tested alerts are read from.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { AREAS, type Check, type Scorecard } from "./scorecard";

const AREA_TITLES: Record<(typeof AREAS)[number], string> = {
  availability: "Availability (replicas, disruption budgets, spread, HA data stores)",
  recovery: "Recovery (PITR window, RPO, restore drills, immutable backups)",
  observability: "Observability (scraped, alerted, dashboarded, alerts tested, paging)",
  security: "Security (restricted pods, network policies, secrets, TLS, pinned images)",
};

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const fix = (c: Check) => (c.fixKey ? `\`${c.fixKey}\`` : c.fixHint ? `— ${c.fixHint}` : "—");

export function toMarkdown(card: Scorecard, opts: { badgeFile?: string; generatedBy?: string } = {}): string {
  const lines = [
    `# Production readiness: stack \`${card.stack}\` (${card.environment})`,
    "",
    ...(opts.badgeFile ? [`![readiness ${card.total}%](${opts.badgeFile})`, ""] : []),
    `**Score: ${card.total}%** — ${card.checks.length - card.missing.length} of ${card.checks.length} checks pass. Computed from the stack's render${opts.generatedBy ? ` by \`${opts.generatedBy}\`` : ""}: what \`pulumi up\` would create, not what anyone says it does.`,
    "",
    "| area | score | checks passed |",
    "| --- | ---: | ---: |",
    ...card.areas.map((a) => `| ${AREA_TITLES[a.area]} | ${a.score === undefined ? "n/a" : `${a.score}%`} | ${a.passed}/${a.total} |`),
    "",
    "## What's missing",
    "",
  ];
  if (card.missing.length === 0) lines.push("Nothing: every check passes.", "");
  else {
    lines.push("| area | check | subject | found | fix (stack config key) |", "| --- | --- | --- | --- | --- |");
    for (const c of card.missing) lines.push(`| ${c.area} | ${c.check} | ${cell(c.subject)} | ${cell(c.detail)} | ${cell(fix(c))} |`);
    lines.push("");
  }
  lines.push("<details><summary>Passing checks</summary>", "", "| area | check | subject | found |", "| --- | --- | --- | --- |");
  for (const c of card.checks.filter((x) => x.pass)) lines.push(`| ${c.area} | ${c.check} | ${cell(c.subject)} | ${cell(c.detail)} |`);
  lines.push("", "</details>", "");
  return lines.join("\n");
}

function color(score: number): string {
  return score >= 90 ? "#4c1" : score >= 75 ? "#97ca00" : score >= 60 ? "#dfb317" : score >= 40 ? "#fe7d37" : "#e05d44";
}

/** A flat badge "readiness | NN%" (text widths estimated at 6.5 px per character of Verdana 11). */
export function toBadge(card: Scorecard): string {
  const label = "readiness";
  const value = `${card.total}%`;
  const lw = Math.round(label.length * 6.5 + 10);
  const vw = Math.round(value.length * 7 + 10);
  const w = lw + vw;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${label}: ${value}">`,
    `<title>${label}: ${value} (stack ${card.stack})</title>`,
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>`,
    `<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>`,
    `<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${vw}" height="20" fill="${color(card.total)}"/><rect width="${w}" height="20" fill="url(#s)"/></g>`,
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">`,
    `<text x="${lw / 2}" y="14">${label}</text><text x="${lw + vw / 2}" y="14">${value}</text>`,
    `</g></svg>`,
    "",
  ].join("");
}

/**
 * Alert names with a promtool unit test in this repository: every `alert: "Name"`
 * in alerts/*.cases.ts and alerts/*.test.ts (the promtool suites), and the
 * always-firing ones the suites assert (`alwaysFiring: [...]`).
 */
export function testedAlerts(alertsDir: string): Set<string> {
  const out = new Set<string>();
  for (const f of readdirSync(alertsDir).filter((x) => x.endsWith(".cases.ts") || x.endsWith(".test.ts"))) {
    const text = readFileSync(join(alertsDir, f), "utf8");
    for (const m of text.matchAll(/\balert:\s*"([A-Za-z0-9_]+)"/g)) out.add(m[1]!);
    for (const m of text.matchAll(/alwaysFiring:\s*\[([^\]]*)\]/g)) for (const n of m[1]!.matchAll(/"([A-Za-z0-9_]+)"/g)) out.add(n[1]!);
  }
  return out;
}
