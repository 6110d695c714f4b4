/**
 * Kubernetes resource quantities (CPU "250m", memory "512Mi"), parsed the way the
 * API server does, so a value it would reject fails at config time instead.
 */
const QUANTITY = /^([+-]?[0-9.]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|e[0-9]+|E[0-9]+)?$/;

const FACTORS: Record<string, number> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The quantity's value in base units (cores, bytes), or undefined when Kubernetes would reject it. */
export function parseQuantity(q: string): number | undefined {
  const m = QUANTITY.exec(q.trim());
  if (!m || q.trim() !== q) return undefined;
  const num = Number(m[1]);
  if (!Number.isFinite(num) || !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(m[1]!)) return undefined;
  const suffix = m[2] ?? "";
  const factor = /^[eE]\d+$/.test(suffix) ? 10 ** Number(suffix.slice(1)) : FACTORS[suffix];
  if (factor === undefined) return undefined;
  return num * factor;
}

export function isQuantity(q: string): boolean {
  return parseQuantity(q) !== undefined;
}

/** CPU: a positive quantity with at most millicore precision. */
export function isCpuQuantity(q: string): boolean {
  const v = parseQuantity(q);
  return v !== undefined && v > 0 && Math.abs(Math.round(v * 1000) - v * 1000) < 1e-9;
}

/** Memory / storage: a positive whole number of bytes. */
export function isByteQuantity(q: string): boolean {
  const v = parseQuantity(q);
  return v !== undefined && v >= 1 && !q.endsWith("m");
}
