/**
 * Command-line manners shared by every command the project ships (`render`,
 * `preview`, `readiness`): `--help` with usage and examples, one-line errors
 * with exit 2 for a missing or unknown argument or bad config, a progress line
 * for long runs, and aligned tables.
 *
 * Arguments are parsed with `node:util` `parseArgs` (built into Node 22, strict
 * mode rejects unknown options and missing values with a typed error code), so
 * no parser dependency is needed for flags this simple.
 */
import { parseArgs } from "node:util";

export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  readonly description: string;
  /** Shown in usage: `--stack <name>`. */
  readonly valueName?: string;
  readonly multiple?: boolean;
  readonly required?: boolean;
}

export interface CommandSpec {
  /** `npm run render --`. */
  readonly name: string;
  readonly summary: string;
  /** Usage lines after the name, e.g. `--stack <name> [--out <dir>]`. */
  readonly usage: readonly string[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly examples: readonly string[];
  /** Extra help paragraphs (after options). */
  readonly notes?: readonly string[];
  /** Positional arguments allowed: none (default), or the most accepted. */
  readonly maxPositionals?: number;
}

/** A mistake in how the command was called: one line, exit 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface Parsed {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
}

export function helpText(spec: CommandSpec): string {
  const opts = Object.entries(spec.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : "    "}--${name}${o.type === "string" ? ` <${o.valueName ?? "value"}>` : ""}`;
    return [flag, `${o.description}${o.required ? " (required)" : ""}`] as const;
  });
  opts.push(["-h, --help", "show this help"] as const);
  const w = Math.max(...opts.map(([f]) => f.length));
  return [
    `${spec.summary}`,
    "",
    "Usage:",
    ...spec.usage.map((u) => `  ${spec.name} ${u}`),
    "",
    "Options:",
    ...opts.map(([f, d]) => `  ${f.padEnd(w)}  ${d}`),
    ...(spec.notes && spec.notes.length > 0 ? ["", ...spec.notes] : []),
    "",
    "Examples:",
    ...spec.examples.map((e) => `  ${e}`),
    "",
  ].join("\n");
}

/** Parses argv against the spec; throws UsageError for anything a user typed wrong. `--help` returns undefined. */
export function parseCommand(spec: CommandSpec, argv: readonly string[]): Parsed | undefined {
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = { help: { type: "boolean", short: "h" } };
  for (const [k, o] of Object.entries(spec.options)) options[k] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err.code?.startsWith("ERR_PARSE_ARGS_")) throw new UsageError(plainParseError(err.message));
    throw e;
  }
  if (parsed.values.help) return undefined;
  const max = spec.maxPositionals ?? 0;
  if (parsed.positionals.length > max) throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[max])}`);
  for (const [k, o] of Object.entries(spec.options)) {
    const val = parsed.values[k];
    if (o.required && (val === undefined || val === "")) throw new UsageError(`--${k} <${o.valueName ?? "value"}> is required`);
    if (o.type === "string" && typeof val === "string" && val.startsWith("--")) throw new UsageError(`--${k} needs a value, got the option ${val}`);
  }
  return { values: parsed.values as Parsed["values"], positionals: parsed.positionals };
}

/** `Option '--stack <value>' argument missing` → `--stack needs a value`; keeps other messages, without Node's hints. */
function plainParseError(message: string): string {
  const missing = /^Option '(-\w, )?(--[\w-]+)[^']*' argument (missing|is ambiguous)/.exec(message);
  if (missing) return `${missing[2]} needs a value`;
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  return message.split("\n")[0]!.replace(/\. To specify .*$/, "");
}

/** Errors that are the user's to fix (bad config, unknown stack): one line, exit 2. */
export function isUserError(e: unknown): e is Error {
  return e instanceof Error && (e.name === "UsageError" || e.name === "PlatformConfigError" || e.constructor.name === "PlatformConfigError");
}

/**
 * Runs a command's main: `--help` prints usage (exit 0); a UsageError or config error prints
 * `error: <message>` (plus a hint for usage errors) and exits 2; anything else exits 1 with
 * its stack, which is a bug worth the detail.
 */
export function runCommand(spec: CommandSpec, main: (p: Parsed) => Promise<number>, argv: readonly string[] = process.argv.slice(2)): void {
  const fail = (e: unknown) => {
    if (isUserError(e)) {
      process.stderr.write(`error: ${e.message}${e.name === "UsageError" ? ` (usage: ${spec.name} --help)` : ""}\n`);
      process.exit(2);
    }
    process.stderr.write(`${spec.name.split(" ").pop()} failed: ${String((e as Error)?.stack ?? e)}\n`);
    process.exit(1);
  };
  process.on("unhandledRejection", fail);
  let parsed: Parsed | undefined;
  try {
    parsed = parseCommand(spec, argv);
  } catch (e) {
    fail(e);
    return;
  }
  if (!parsed) {
    process.stdout.write(helpText(spec));
    process.exit(0);
  }
  main(parsed).then((code) => process.exit(code), fail);
}

/** An aligned plain-text table (first row: headers). */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers, ...rows];
  const w = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  const line = (r: readonly string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]!))).join("  ").trimEnd();
  return [line(headers), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(line)].join("\n");
}

/**
 * Progress of a long run on stderr: a live spinner line on a terminal, one
 * timestamped line per step otherwise (CI logs), nothing when quiet.
 */
export class Progress {
  private readonly start = Date.now();
  private timer?: NodeJS.Timeout;
  private text = "";
  private frame = 0;
  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly quiet = false,
    private readonly tty = !!(out as { isTTY?: boolean }).isTTY,
  ) {}

  private elapsed(): string {
    return `${((Date.now() - this.start) / 1000).toFixed(0)}s`;
  }

  step(text: string): void {
    if (this.quiet) return;
    this.text = text;
    if (!this.tty) {
      this.out.write(`[${this.elapsed().padStart(4)}] ${text}\n`);
      return;
    }
    this.timer ??= setInterval(() => this.draw(), 120).unref();
    this.draw();
  }

  private draw(): void {
    const spin = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"[this.frame++ % 10];
    this.out.write(`\r\x1b[2K${spin} ${this.text} (${this.elapsed()})`);
  }

  done(text?: string): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.quiet) return;
    if (this.tty) this.out.write("\r\x1b[2K");
    if (text) this.out.write(`${text} (${this.elapsed()})\n`);
  }
}
