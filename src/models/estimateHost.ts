/**
 * The CLI's host limits for resource estimates (src/models/estimate.ts): Node only.
 * Heap: V8's heap_size_limit (set by --max-old-space-size). Memory: {@link HOST_MEMORY_FRACTION} of
 * os.totalmem(), at most os.freemem() (so a run on a busy machine is refused rather than swapping).
 */
import os from 'node:os';
import v8 from 'node:v8';
import { hostRefusal, type HostLimits, type ResourceEstimate } from './estimate.ts';
import { ConfigError } from '../cli/validate.ts';

/** Fraction of the machine's memory one CLI run may take. */
export const HOST_MEMORY_FRACTION = 0.5;

/** The limits of this process and machine now. */
export function nodeHostLimits(): HostLimits {
  return {
    heapBytes: v8.getHeapStatistics().heap_size_limit,
    memoryBytes: Math.min(HOST_MEMORY_FRACTION * os.totalmem(), os.freemem()),
    fraction: HOST_MEMORY_FRACTION,
  };
}

/**
 * Refuses an estimate that does not fit this host, before anything is allocated.
 * @param hint what to do instead (e.g. "run it with lazyrich sweep --chunk 4096").
 * @throws ConfigError at the estimate's first field (exit 2), naming the size and the limit.
 */
export function refuseOverHost(e: ResourceEstimate, hint = '', limits: HostLimits = nodeHostLimits()): void {
  const why = hostRefusal(e, limits);
  if (why) throw new ConfigError(e.fields[0], `${why}${hint ? `; ${hint}` : ''}`);
}
