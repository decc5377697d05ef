/**
 * Shared pieces of `npm run bench`: the row type of the one output table, timing calibration, number
 * formatting and the Markdown table.
 */

/** One row of the bench table. Rates count trajectory-steps (single neuron) or network-steps (relu2). */
export interface BenchRow {
  /** e.g. "single neuron d=2" or "relu2 m=50 n=1000 d=100". */
  model: string;
  /** "GD" or "RK4". */
  method: string;
  /** Trajectories / networks the row stands for. */
  n: number;
  /** Networks actually timed when fewer than n (the rate is scaled linearly to n; footnote *). */
  measuredN?: number;
  /** GD/RK4 steps of the timed GPU run and its wall seconds. */
  gpuSteps: number;
  gpuSeconds: number;
  /** Steps per second of each trajectory/network when all n run together. */
  gpuStepsPerSecond: number;
  /** n × gpuStepsPerSecond: trajectory-steps (or network-steps) per second. */
  gpuRate: number;
  /** FLOPs per trajectory-/network-step counted for the FMA-peak fraction (FMA = 2). */
  flopsPerStep: number;
  /** The f64 reference: timed steps, seconds, trajectory-steps per second (one JS thread). */
  cpuSteps: number;
  cpuSeconds: number;
  cpuRate: number;
  /** Footnote marker on the CPU cells (e.g. "†" when measured on 1 network and reused). */
  cpuNote?: string;
}

/**
 * Sizes and times a run: grows `steps` ×4 until one run takes ≥ target/4 s, then rescales to ~target s and
 * times that; if a timed run came out shorter than target/2 s (noisy machine) it rescales and retries, up to 3 times.
 * @param run runs `steps` steps and returns wall seconds. @param first the first step count tried.
 */
export async function calibrated(run: (steps: number) => Promise<number>, first: number, target: number): Promise<{ steps: number; seconds: number }> {
  let steps = first;
  let seconds = await run(steps);
  while (seconds < target / 4) {
    steps *= 4;
    seconds = await run(steps);
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const next = Math.max(1, Math.round((steps * target) / seconds));
    if (next === steps && attempt > 0) break;
    steps = next;
    seconds = await run(steps);
    if (seconds >= target / 2 || steps === 1) break;
  }
  return { steps, seconds };
}

/** 3 significant digits with k/M/G suffixes. */
export function fmt(x: number, digits = 3): string {
  if (x >= 1e9) return `${(x / 1e9).toPrecision(digits)}G`;
  if (x >= 1e6) return `${(x / 1e6).toPrecision(digits)}M`;
  if (x >= 1e3) return `${(x / 1e3).toPrecision(digits)}k`;
  return x.toPrecision(digits);
}

/** A duration in s, min, h or days. */
export function fmtDuration(seconds: number): string {
  if (seconds < 120) return `${seconds.toPrecision(3)} s`;
  if (seconds < 7200) return `${(seconds / 60).toPrecision(3)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toPrecision(3)} h`;
  return `${(seconds / 86400).toPrecision(3)} days`;
}

/** A Markdown table; the first `leftColumns` columns are left-aligned, the rest right-aligned. */
export function table(header: string[], rows: string[][], leftColumns = 2): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => `| ${cells.map((s, c) => (c < leftColumns ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
