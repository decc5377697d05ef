/**
 * The CLI's fast path from a run's typed arrays to its output (issue 12: the summary pass and the JSON of 10⁵
 * trajectories cost more than their integration): {@link summarizeRun} reduces the δ drift and the divergence
 * counts in one loop over the snapshots, and {@link trajectoryTexts} writes each trajectory's JSON straight from
 * them, with no per-trajectory objects. The text is that of JSON.stringify of output.ts's TrajectoryOutput (same
 * keys, same order; δ and the excess loss of both come from one {@link Derived}), except that float32 values (the GPU's state
 * a, w and its ν, μ, S) are written as their shortest round-trip decimals (src/cli/numberFormat.ts formatF32):
 * JSON.parse then Math.fround gives back exactly the GPU's float32. δ, the excess loss and β∞ are float64
 * (computed on the host from the float32 state) and are written as JSON.stringify writes them; so is every
 * number of the f64 CPU backend, whose text is exactly JSON.stringify's.
 */
import { AsciiWriter } from '../../cli/numberFormat.ts';
import { JsonText } from '../../cli/resultFile.ts';
import { DIVERGED_FLAG } from './layout.ts';
import type { RawRun } from './output.ts';

/** What the summary pass finds (see {@link summarizeRun}). */
export interface RunSummary {
  /** max over trajectories not diverged and output times of |δ_t − δ₀| / max(η_w a₀² + η_a‖w₀‖², 1e-300). */
  drift: number;
  /** Trajectories flagged by the backend or with a non-finite output value. */
  diverged: number;
  /** Of those, the ones not flagged but with a non-finite value (flagged diverged in the output). */
  nonFinite: number;
  /** Per trajectory: 1 where a value is non-finite (it is written diverged), else 0 (n). */
  nonFiniteAt: Uint8Array;
}

/**
 * The one derivation of (a, w), δ = η_w a² − η_a‖w‖² and the excess loss ½(β − β_ols)ᵀXX(β − β_ols), β = a w
 * (docs/theory.md §1.2, §1.5), of trajectory i at a snapshot, in f64; output.ts trajectoryAt, {@link summarizeRun}
 * and {@link trajectoryTexts} all read it. Reused per call: `w`, `delta` and `loss` hold the last {@link at}'s values.
 */
export class Derived {
  /** w of the last {@link at} (d). */
  readonly w: Float64Array;
  private readonly e: Float64Array;
  private readonly xx: Float64Array;
  /** δ of the last {@link at}. */
  delta = 0;
  /** The excess loss of the last {@link at} (theory excessLoss, clamped at 0). */
  loss = 0;
  /** @param run its ensemble gives n, d, the rates, β_ols and XX (d × d, copied row-major). */
  constructor(private readonly run: RawRun) {
    const { d, data } = run.ensemble;
    this.w = new Float64Array(d);
    this.e = new Float64Array(d);
    this.xx = Float64Array.from(data.XX.flat());
  }
  /**
   * Reads a and w of trajectory i from snapshot s (SoA, (d+1)·n: a at i, w_j at (1 + j)·n + i) into `w` (returns a)
   * and sets delta and loss (theory excessLoss's order of operations, so the same f64 bits).
   */
  at(s: ArrayLike<number>, i: number): number {
    const { n, d, rates, betaOls } = this.run.ensemble;
    const { w, e, xx } = this;
    const a = s[i];
    let ww = 0;
    for (let j = 0; j < d; j++) {
      const wj = s[(1 + j) * n + i];
      w[j] = wj;
      ww += wj * wj;
      e[j] = a * wj - betaOls[j];
    }
    this.delta = rates.w * a * a - rates.a * ww;
    let q = 0;
    for (let r = 0; r < d; r++) {
      let acc = 0;
      for (let j = 0; j < d; j++) acc += xx[r * d + j] * e[j];
      q += e[r] * acc;
    }
    this.loss = 0.5 * Math.max(q, 0);
    return a;
  }
}

/**
 * The δ drift and divergence counts of a run (output.ts finishRun's log lines), without building trajectories.
 * @param limitFinite for singular XX: whether trajectory i's β∞ (output.ts limitOf) is finite; else undefined.
 */
export function summarizeRun(run: RawRun, limitFinite?: (i: number, aLast: number) => boolean): RunSummary {
  const { ensemble, snapshots, observables, flags } = run;
  const { n, d, delta0, scale0 } = ensemble;
  const T = snapshots.length;
  const derived = new Derived(run);
  const nonFiniteAt = new Uint8Array(n);
  let drift = 0, diverged = 0, nonFinite = 0;
  for (let i = 0; i < n; i++) {
    const flagged = (flags[i] & DIVERGED_FLAG) !== 0;
    let finite = true, worst = 0, aLast = 0;
    for (let k = 0; k < T; k++) {
      aLast = derived.at(snapshots[k], i);
      const o = observables[k];
      let sum = aLast + derived.delta + derived.loss + o.nu[i] + o.mu[i] + o.kernelDistance[i];
      for (let j = 0; j < d; j++) sum += derived.w[j];
      // a sum is finite only if every term is (a finite overflow to ∞ is checked term by term below)
      if (!Number.isFinite(sum) && !allFiniteAt(derived, aLast, o, i)) finite = false;
      worst = Math.max(worst, Math.abs(derived.delta - delta0[i]) / Math.max(scale0[i], 1e-300));
    }
    if (finite && limitFinite && !limitFinite(i, aLast)) finite = false;
    if (!flagged && !finite) { nonFinite++; nonFiniteAt[i] = 1; }
    if (flagged || !finite) diverged++;
    else drift = Math.max(drift, worst);
  }
  return { drift, diverged, nonFinite, nonFiniteAt };
}

function allFiniteAt(derived: Derived, a: number, o: RawRun['observables'][number], i: number): boolean {
  return Number.isFinite(a) && derived.w.every(Number.isFinite) && Number.isFinite(derived.delta) && Number.isFinite(derived.loss)
    && Number.isFinite(o.nu[i]) && Number.isFinite(o.mu[i]) && Number.isFinite(o.kernelDistance[i]);
}

/** Trajectories per {@link JsonText} piece: large enough that the per-piece overheads vanish, small enough to stream. */
const TRAJECTORIES_PER_PIECE = 512;

/**
 * The output's trajectories as JSON text, {@link TRAJECTORIES_PER_PIECE} per piece (see the module comment).
 * @param f32 the state and observables are float32 values (GPU): written as formatF32 writes them; else as formatF64.
 * @param limit for singular XX: β∞ of trajectory i given a at the last output time (output.ts limitOf).
 */
export function* trajectoryTexts(
  run: RawRun, summary: RunSummary, f32: boolean, limit?: (i: number, aLast: number) => number[],
): Generator<JsonText> {
  const { ensemble, snapshots, observables, flags } = run;
  const { n, d } = ensemble;
  const T = snapshots.length;
  const out = new AsciiWriter();
  const num = f32 ? (x: number) => out.f32(x) : (x: number) => out.f64(x);
  const derived = new Derived(run);
  // a, w (T × d), δ and the excess loss of one trajectory at the T output times
  const as = new Float64Array(T), ws = new Float64Array(T * d), deltas = new Float64Array(T), losses = new Float64Array(T);
  const COMMA = 44, OPEN = 91, CLOSE = 93;
  // one observable row (ν, μ or S) of trajectory i over the T output times, as a JSON array
  const row = (key: string, pick: (o: RawRun['observables'][number]) => ArrayLike<number>, i: number) => {
    out.text(key);
    for (let k = 0; k < T; k++) { if (k > 0) out.byte(COMMA); num(pick(observables[k])[i]); }
    out.byte(CLOSE);
  };
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (count > 0) out.byte(COMMA);
    for (let k = 0; k < T; k++) {
      as[k] = derived.at(snapshots[k], i);
      ws.set(derived.w, k * d);
      deltas[k] = derived.delta;
      losses[k] = derived.loss;
    }
    const aLast = as[T - 1];
    out.text('{"a":[');
    for (let k = 0; k < T; k++) { if (k > 0) out.byte(COMMA); num(as[k]); }
    out.text('],"w":[');
    for (let k = 0; k < T; k++) {
      if (k > 0) out.byte(COMMA);
      out.byte(OPEN);
      for (let j = 0; j < d; j++) { if (j > 0) out.byte(COMMA); num(ws[k * d + j]); }
      out.byte(CLOSE);
    }
    out.text('],"delta":[');
    for (let k = 0; k < T; k++) { if (k > 0) out.byte(COMMA); out.f64(deltas[k]); }
    out.text('],"excessLoss":[');
    for (let k = 0; k < T; k++) { if (k > 0) out.byte(COMMA); out.f64(losses[k]); }
    out.byte(CLOSE);
    row(',"nu":[', (o) => o.nu, i);
    row(',"mu":[', (o) => o.mu, i);
    row(',"kernelDistance":[', (o) => o.kernelDistance, i);
    const diverged = (flags[i] & DIVERGED_FLAG) !== 0 || summary.nonFiniteAt[i] === 1;
    out.text(diverged ? ',"diverged":true' : ',"diverged":false');
    if (limit) {
      out.text(',"predictedLimit":[');
      limit(i, aLast).forEach((x, j) => { if (j > 0) out.byte(COMMA); out.f64(x); });
      out.byte(CLOSE);
    }
    out.text('}');
    if (++count === TRAJECTORIES_PER_PIECE || i === n - 1) {
      yield new JsonText(out.takeBytes(), count);
      count = 0;
    }
  }
}
