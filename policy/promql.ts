/**
 * The series selectors of a PromQL expression (metric name and label
 * matchers), read with the PromQL grammar Prometheus ships for its own UI
 * (@prometheus-io/lezer-promql), so the policies can ask "could this rule or
 * panel ever see that workload's series?".
 */

export interface Matcher {
  readonly label: string;
  readonly op: "=" | "!=" | "=~" | "!~";
  readonly value: string;
}

export interface Selector {
  /** Metric name ("" when only `{__name__=...}` matchers or none). */
  readonly metric: string;
  readonly matchers: readonly Matcher[];
}

interface SyntaxNode {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly firstChild: SyntaxNode | null;
  readonly nextSibling: SyntaxNode | null;
  getChildren(type: string): SyntaxNode[];
  getChild(type: string): SyntaxNode | null;
}
interface Parser {
  parse(input: string): { topNode: SyntaxNode; iterate(spec: { enter(node: { name: string; node: SyntaxNode }): void }): void };
}

let parserCache: Parser | undefined;
function parser(): Parser {
  parserCache ??= (require("@prometheus-io/lezer-promql") as { parser: Parser }).parser;
  return parserCache;
}

/** Decodes a PromQL string literal ("...", '...' or `...`). */
function unquote(lit: string): string {
  const q = lit[0];
  const body = lit.slice(1, -1);
  if (q === "`") return body;
  return body.replace(/\\(.)/g, (_, c: string) => ({ n: "\n", t: "\t", r: "\r" })[c as "n"] ?? c);
}

const OPS: Record<string, Matcher["op"]> = { EqlSingle: "=", Neq: "!=", EqlRegex: "=~", NeqRegex: "!~" };

/** Every vector selector of `expr`, in order. */
export function selectorsOf(expr: string): Selector[] {
  const out: Selector[] = [];
  const tree = parser().parse(expr);
  tree.iterate({
    enter(n) {
      if (n.name !== "VectorSelector") return;
      const node = n.node;
      const id = node.getChild("Identifier");
      let metric = id ? expr.slice(id.from, id.to) : "";
      const matchers: Matcher[] = [];
      const lm = node.getChild("LabelMatchers");
      for (let c = lm?.firstChild ?? null; c; c = c.nextSibling) {
        if (c.name !== "UnquotedLabelMatcher" && c.name !== "QuotedLabelMatcher") continue;
        const name = c.getChild("LabelName") ?? c.getChild("QuotedLabelName");
        const op = c.getChild("MatchOp")?.firstChild;
        const str = c.getChild("StringLiteral");
        if (!name || !op || !str) continue;
        let label = expr.slice(name.from, name.to);
        if (/^["'`]/.test(label)) label = unquote(label);
        const m: Matcher = { label, op: OPS[op.name] ?? "=", value: unquote(expr.slice(str.from, str.to)) };
        if (m.label === "__name__" && m.op === "=") metric = m.value;
        else matchers.push(m);
      }
      out.push({ metric, matchers });
    },
  });
  return out;
}

/** Does a matcher accept `value` ("" for an absent label), with Prometheus' fully anchored regexes? */
export function accepts(m: Matcher, value: string): boolean {
  switch (m.op) {
    case "=":
      return value === m.value;
    case "!=":
      return value !== m.value;
    case "=~":
      return anchored(m.value).test(value);
    case "!~":
      return !anchored(m.value).test(value);
  }
}

const regexCache = new Map<string, RegExp>();
function anchored(re: string): RegExp {
  let r = regexCache.get(re);
  if (!r) {
    try {
      r = new RegExp(`^(?:${re})$`, "s");
    } catch {
      r = /^$/; // an invalid regex matches nothing; promtool rejects it elsewhere
    }
    regexCache.set(re, r);
  }
  return r;
}

/** Grafana variables (`$x`, `${x}`, `${x:opt}`, `[[x]]`) replaced by `.*` (the "All" choice); built-ins like `$__rate_interval` by 5m. */
export function withAllVariables(expr: string): string {
  return expr
    .replace(/\$\{?__(range|rate_interval|interval)(_ms|_s)?\}?/g, "5m")
    .replace(/\$\{(\w+)(:[^}]*)?\}|\[\[(\w+)\]\]|\$(\w+)/g, ".*");
}
