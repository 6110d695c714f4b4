/**
 * Reads the queries back out of a dashboard's JSON, and fills Grafana's
 * template variables with concrete values, so tests (and anyone checking a
 * dashboard against a real Prometheus) see the PromQL Grafana would send.
 */

export interface DashboardQuery {
  readonly dashboard: string;
  /** Panel title, or `variable <name>` for a template variable's query. */
  readonly source: string;
  /** Panel id (0 for variables). */
  readonly panelId: number;
  readonly refId: string;
  /** PromQL, still holding Grafana variables such as `$namespace` or `$__rate_interval`. */
  readonly expr: string;
}

interface PanelLike {
  type?: string;
  id?: number;
  title?: string;
  targets?: { expr?: string; refId?: string }[];
  panels?: PanelLike[];
}

interface ModelLike {
  uid?: string;
  panels?: PanelLike[];
  templating?: { list?: { name: string; type: string; query?: unknown }[] };
}

/** Panels in layout order, including the ones inside rows; rows themselves excluded. */
export function dashboardPanels(model: ModelLike): PanelLike[] {
  const out: PanelLike[] = [];
  for (const p of model.panels ?? []) {
    if (p.type === "row") out.push(...(p.panels ?? []));
    else out.push(p);
  }
  return out;
}

/**
 * Every PromQL expression of a dashboard: each panel target's `expr`, and the
 * series selector inside each `label_values(<selector>, <label>)` or
 * `query_result(<expr>)` variable query. Accepts the model or its JSON string.
 */
export function dashboardQueries(dashboard: string | ModelLike): DashboardQuery[] {
  const model: ModelLike = typeof dashboard === "string" ? (JSON.parse(dashboard) as ModelLike) : dashboard;
  const uid = model.uid ?? "?";
  const out: DashboardQuery[] = [];
  for (const v of model.templating?.list ?? []) {
    if (v.type !== "query") continue;
    const raw = typeof v.query === "string" ? v.query : (v.query as { query?: string } | undefined)?.query ?? "";
    const expr = variableQueryExpr(raw);
    if (expr !== undefined) out.push({ dashboard: uid, source: `variable ${v.name}`, panelId: 0, refId: v.name, expr });
  }
  for (const p of dashboardPanels(model)) {
    for (const t of p.targets ?? []) {
      out.push({ dashboard: uid, source: p.title ?? "?", panelId: p.id ?? -1, refId: t.refId ?? "?", expr: t.expr ?? "" });
    }
  }
  return out;
}

/** The PromQL inside a Grafana Prometheus variable query, or undefined for `label_names()`/`label_values(label)`. */
export function variableQueryExpr(query: string): string | undefined {
  const q = query.trim();
  const lv = /^label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)$/s.exec(q);
  if (lv) return lv[1]!.trim();
  const qr = /^query_result\((.*)\)$/s.exec(q);
  if (qr) return qr[1]!.trim();
  if (/^(label_values\([A-Za-z_][A-Za-z0-9_]*\)|label_names\(\))$/.test(q)) return undefined;
  throw new Error(`unsupported variable query ${JSON.stringify(query)}: use label_values(<selector>, <label>) or query_result(<expr>)`);
}

/** Values Grafana gives its built-in variables; a 6-hour range with a 5-minute rate window. */
export const GRAFANA_BUILTINS: Readonly<Record<string, string>> = Object.freeze({
  __rate_interval: "5m",
  __interval: "1m",
  __interval_ms: "60000",
  __range: "6h",
  __range_s: "21600",
  __range_ms: "21600000",
});

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::[A-Za-z]+)?\}|\$([A-Za-z_][A-Za-z0-9_]*)|\[\[([A-Za-z_][A-Za-z0-9_]*)(?::[A-Za-z]+)?\]\]/g;

/** Names of the Grafana variables an expression uses (`$x`, `${x}`, `${x:fmt}`, `[[x]]`). */
export function grafanaVariables(expr: string): string[] {
  const names = new Set<string>();
  for (const match of expr.matchAll(VARIABLE)) names.add((match[1] ?? match[2] ?? match[3])!);
  return [...names].sort();
}

/**
 * Replaces Grafana variables with `values` (built-ins default to
 * `GRAFANA_BUILTINS`). A variable without a value is an error, so a query can't
 * reach Prometheus with a stray `$name` in it.
 */
export function substituteGrafanaVariables(expr: string, values: Readonly<Record<string, string>>): string {
  const all = { ...GRAFANA_BUILTINS, ...values };
  return expr.replace(VARIABLE, (_m, a?: string, b?: string, c?: string) => {
    const name = (a ?? b ?? c)!;
    const v = all[name];
    if (v === undefined) throw new Error(`no value for Grafana variable $${name} in ${JSON.stringify(expr)}`);
    return v;
  });
}
