/**
 * A reduction of positive values into [max (f32 bits), skipped count, histogram of log10 value], with
 * atomics, so that max and median of a field over millions of trajectories come back in a few hundred
 * bytes. Decoded by src/gpu/logHistogram.ts. Expects `reduction: array<atomic<u32>>` bound by the caller.
 */
import { LOG_HISTOGRAM } from '../src/gpu/logHistogram.ts';

/** WGSL: `recordValue(e)` (e ≥ 0) and `recordSkipped()`. */
export const logHistogramWgsl = (): string => {
  const { bins, log10Min, log10Max } = LOG_HISTOGRAM;
  return /* wgsl */ `
const HIST_BINS: u32 = ${bins}u;
fn recordSkipped() { atomicAdd(&reduction[1], 1u); }
fn recordValue(e: f32) {
  atomicMax(&reduction[0], bitcast<u32>(e));
  let x = (log2(max(e, 1e-30)) * 0.30102999566 - (${log10Min.toFixed(1)})) / ${(log10Max - log10Min).toFixed(1)};
  atomicAdd(&reduction[2u + u32(clamp(x * f32(HIST_BINS), 0.0, f32(HIST_BINS - 1u)))], 1u);
}
`;
};
