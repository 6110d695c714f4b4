/**
 * PostgreSQL memory settings from the instance's memory (the container's memory
 * limit, equal to its request under Guaranteed QoS) and max_connections. Pure.
 *
 * - shared_buffers: a quarter of the memory, PostgreSQL's own guidance for a
 *   dedicated server; the rest stays for backends and the kernel's page cache,
 *   which PostgreSQL relies on for everything shared_buffers doesn't hold.
 * - effective_cache_size: three quarters (shared_buffers plus the page cache the
 *   planner may assume); a planner hint, nothing is allocated.
 * - work_mem: what is left after shared_buffers, spread over three sort/hash nodes
 *   per allowed connection, so a burst of parallel sorts can't push the container
 *   over its limit (the OOM killer takes the postmaster down with the backend).
 * - maintenance_work_mem: a sixteenth, at most 2GB (VACUUM, CREATE INDEX).
 */
import { parseQuantity } from "../lib/quantities";

export interface MemoryParameters {
  readonly shared_buffers: string;
  readonly effective_cache_size: string;
  readonly work_mem: string;
  readonly maintenance_work_mem: string;
}

/** Sort/hash nodes one connection may run at once, for the work_mem budget. */
export const SORTS_PER_CONNECTION = 3;

const MiB = 2 ** 20;

/** The memory settings for an instance with `memory` (a Kubernetes quantity) and `maxConnections`. */
export function memoryParameters(memory: string, maxConnections: number): MemoryParameters {
  const bytes = parseQuantity(memory);
  if (bytes === undefined || bytes < 64 * MiB) throw new Error(`memoryParameters: ${memory} is not a memory quantity of at least 64Mi`);
  if (!Number.isInteger(maxConnections) || maxConnections < 1) throw new Error(`memoryParameters: maxConnections must be a positive integer, got ${maxConnections}`);
  const sharedMB = Math.floor(bytes / 4 / MiB);
  const cacheMB = Math.floor((bytes * 3) / 4 / MiB);
  const workKB = Math.max(64, Math.floor((bytes - sharedMB * MiB) / 1024 / (maxConnections * SORTS_PER_CONNECTION)));
  const maintenanceMB = Math.min(2048, Math.floor(bytes / 16 / MiB));
  return { shared_buffers: `${sharedMB}MB`, effective_cache_size: `${cacheMB}MB`, work_mem: `${workKB}kB`, maintenance_work_mem: `${maintenanceMB}MB` };
}
