/**
 * The series selectors of a PromQL expression, parsed with the grammar current
 * Prometheus ships (@prometheus-io/lezer-promql): which metric, which label
 * matchers, and whether the selector sits inside `absent(...)`. Test support for
 * the scrape-coverage checks.
 */

export interface LabelMatcher {
  readonly name: string;
  readonly op: "=" | "!=" | "=~" | "!~";
  readonly value: string;
}

export interface SeriesSelector {
  /** Metric name, or undefined for `{__name__=...}`-only selectors. */
  readonly metric: string | undefined;
  readonly matchers: readonly LabelMatcher[];
  /** Inside `absent(...)` or `absent_over_time(...)`. */
  readonly inAbsent: boolean;
}

interface Node {
  readonly type: { readonly name: string; readonly isError: boolean };
  readonly from: number;
  readonly to: number;
  readonly parent: Node | null;
  getChild(name: string): Node | null;
  getChildren(name: string): Node[];
  readonly firstChild: Node | null;
}
interface Tree {
  readonly topNode: Node;
  iterate(spec: { enter(node: { type: { name: string; isError: boolean }; from: number; to: number; node: Node }): boolean | void }): void;
}
type Parser = { parse(input: string): Tree };

let parserPromise: Promise<Parser> | undefined;
function promqlParser(): Promise<Parser> {
  parserPromise ??= import("@prometheus-io/lezer-promql").then((m) => (m as unknown as { parser: Parser }).parser);
  return parserPromise;
}

function unquote(s: string): string {
  if (s.startsWith("`")) return s.slice(1, -1);
  return JSON.parse(s.startsWith("'") ? `"${s.slice(1, -1).replace(/"/g, '\\"')}"` : s) as string;
}

function insideAbsent(node: Node, text: string): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type.name === "FunctionCall") {
      const id = p.getChild("FunctionIdentifier");
      if (id && /^absent(_over_time)?$/.test(text.slice(id.from, id.to))) return true;
    }
  }
  return false;
}

/** Every series selector of `expr`; throws on a syntax error. */
export async function seriesSelectors(expr: string): Promise<SeriesSelector[]> {
  const parser = await promqlParser();
  const tree = parser.parse(expr);
  const out: SeriesSelector[] = [];
  let error: number | undefined;
  tree.iterate({
    enter(n) {
      if (n.type.isError && error === undefined) error = n.from;
      if (n.type.name !== "VectorSelector") return;
      const node = n.node;
      const id = node.getChild("Identifier");
      const matchers: LabelMatcher[] = [];
      const list = node.getChild("LabelMatchers");
      for (const m of list ? [...list.getChildren("UnquotedLabelMatcher"), ...list.getChildren("QuotedLabelMatcher")] : []) {
        const name = m.getChild("LabelName") ?? m.getChild("QuotedLabelName");
        const op = m.getChild("MatchOp");
        const value = m.getChild("StringLiteral");
        if (!name || !op || !value) continue;
        matchers.push({ name: expr.slice(name.from, name.to), op: expr.slice(op.from, op.to) as LabelMatcher["op"], value: unquote(expr.slice(value.from, value.to)) });
      }
      const nameMatcher = matchers.find((m) => m.name === "__name__" && m.op === "=");
      out.push({ metric: id ? expr.slice(id.from, id.to) : nameMatcher?.value, matchers: matchers.filter((m) => m.name !== "__name__"), inAbsent: insideAbsent(node, expr) });
    },
  });
  if (error !== undefined) throw new Error(`PromQL syntax error at ${error} in: ${expr}`);
  return out;
}

/** Whether a set of labels satisfies every matcher (Prometheus semantics: an absent label is ""). */
export function matchesAll(matchers: readonly LabelMatcher[], labels: Readonly<Record<string, string>>): boolean {
  return matchers.every((m) => {
    const v = labels[m.name] ?? "";
    switch (m.op) {
      case "=":
        return v === m.value;
      case "!=":
        return v !== m.value;
      case "=~":
        return new RegExp(`^(?:${m.value})$`).test(v);
      case "!~":
        return !new RegExp(`^(?:${m.value})$`).test(v);
    }
  });
}
