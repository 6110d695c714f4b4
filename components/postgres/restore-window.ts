/**
 * Whether a point-in-time restore target lies inside the recoverable window:
 * not in the future, not older than the backup retention. Pure and light, so
 * the stack config checks it before the SDKs load and the component checks it
 * again for direct users.
 */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * What is wrong with `targetTime` (the tail of an error message), or undefined
 * when it is a valid target. `retentionKey` names the setting in the message.
 */
export function restoreTargetProblem(targetTime: string, retentionDays: number, now: Date, retentionKey: string): string | undefined {
  const parsed = RFC3339.test(targetTime) ? new Date(targetTime) : new Date(NaN);
  if (Number.isNaN(parsed.getTime())) return 'must be an RFC 3339 time with a zone, e.g. "2026-11-20T14:30:00Z"';
  const oldest = new Date(now.getTime() - retentionDays * 86_400_000);
  const window = `${oldest.toISOString()} .. ${now.toISOString()} (${retentionKey} = ${retentionDays})`;
  if (parsed.getTime() > now.getTime()) return `is in the future; the restorable window is ${window}`;
  if (parsed.getTime() < oldest.getTime()) return `is older than the retention window ${window}`;
  return undefined;
}
