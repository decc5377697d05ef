/**
 * The δ colour scale (docs/theory.md §1: δ = η_w a² − η_a‖w‖², conserved): how δ maps to t ∈ [0, 1] on the
 * diverging δ colour map (colormaps.deltaInterpolator), for the portrait's GPU colouring (WGSL
 * {@link DELTA_T_WGSL}), its uniforms and the legend's ticks. Two kinds:
 * - 'linear': t = ½ + ½ δ / M, M = max|δ| of the ensemble;
 * - 'symlog': t = ½ + ½ sign(δ) log10(1 + |δ|/c) / log10(1 + M/c), linear for |δ| ≪ c, logarithmic above.
 * On a τ × α grid δ = τ²(α² − α⁻²) (docs/theory.md, "τ × α grid") spans many decades (about 0.003 … 400 for
 * the defaults), so a linear map shows almost every trajectory as the mid colour; symlog spreads them.
 * Pure (no DOM, no GPU), so Node tests import it.
 */
import { deltaInterpolator } from './colormaps.ts';

/** The δ colour scale kinds. */
export type DeltaScaleKind = 'linear' | 'symlog';
/** The δ colour-scale param: 'auto' = symlog on a τ × α grid, linear on a δ grid. */
export type DeltaScaleParam = 'auto' | DeltaScaleKind;

/** A δ colour scale: kind, half-width M = max|δ| (> 0) and the symlog linear threshold c (> 0; 0 for 'linear'). */
export interface DeltaScale { kind: DeltaScaleKind; maxAbs: number; c: number }

/**
 * Decades the default symlog scale resolves below M: c = 10^(⌊log10 M⌋ − SYMLOG_DECADES), a power of ten (so
 * the ticks ±c·10^k read 0.01, 0.1, …). For the default τ × α grid (M ≈ 400) c = 0.01: 4.6 decades.
 */
export const SYMLOG_DECADES = 4;

/** The δ scale kind a param asks for on a grid ('auto': symlog for 'tauAlpha', linear for 'delta'). */
export function resolveDeltaScaleKind(param: DeltaScaleParam, grid: 'delta' | 'tauAlpha'): DeltaScaleKind {
  if (param === 'auto') return grid === 'tauAlpha' ? 'symlog' : 'linear';
  return param;
}

/** The default symlog threshold for half-width M > 0: 10^(⌊log10 M⌋ − {@link SYMLOG_DECADES}). */
export function symlogThreshold(maxAbs: number): number {
  return 10 ** (Math.floor(Math.log10(maxAbs) + 1e-12) - SYMLOG_DECADES);
}

/**
 * The δ scale of an ensemble: M = max(|lo|, |hi|) of deltaRange = [min δ₀, max δ₀] (1 when 0), c by
 * {@link symlogThreshold} unless given.
 * @throws RangeError for an unknown kind, a non-finite range, or c ≤ 0 / non-finite.
 */
export function makeDeltaScale(kind: DeltaScaleKind, deltaRange: readonly [number, number], c?: number): DeltaScale {
  if (kind !== 'linear' && kind !== 'symlog') throw new RangeError(`deltaScale: unknown kind "${String(kind)}" (linear or symlog).`);
  const [lo, hi] = deltaRange;
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) throw new RangeError(`deltaScale: deltaRange [${lo}, ${hi}] must be finite.`);
  const m = Math.max(Math.abs(lo), Math.abs(hi));
  const maxAbs = m > 0 ? m : 1;
  if (kind === 'linear') return { kind, maxAbs, c: 0 };
  const cc = c ?? symlogThreshold(maxAbs);
  if (!(cc > 0 && Number.isFinite(cc))) throw new RangeError(`deltaScale: the symlog threshold c must be finite and > 0, got ${cc}.`);
  return { kind, maxAbs, c: cc };
}

/** Normalised δ (not clamped; ±M → 0 and 1, δ = 0 → ½; odd about ½, increasing). */
export function deltaScaleT(delta: number, s: DeltaScale): number {
  if (s.kind === 'linear') return 0.5 + (0.5 * delta) / s.maxAbs;
  return 0.5 + (0.5 * Math.sign(delta) * Math.log10(1 + Math.abs(delta) / s.c)) / Math.log10(1 + s.maxAbs / s.c);
}

/** CSS colour of δ on the scale (the portrait's δ colour; clamped to the map's ends), for host-drawn marks. */
export function deltaColor(delta: number, s: DeltaScale): string {
  return deltaInterpolator(Math.min(1, Math.max(0, deltaScaleT(delta, s))));
}

/**
 * The uniforms of {@link DELTA_T_WGSL}: deltaScale = ½/M (linear) or ½/log10(1 + M/c) (symlog), and
 * deltaC = c (symlog) or 0 (linear: the shader's switch).
 */
export function deltaScaleUniforms(s: DeltaScale): { deltaScale: number; deltaC: number } {
  if (s.kind === 'linear') return { deltaScale: 0.5 / s.maxAbs, deltaC: 0 };
  return { deltaScale: 0.5 / Math.log10(1 + s.maxAbs / s.c), deltaC: s.c };
}

/** WGSL `deltaT(v)` = {@link deltaScaleT}, reading P.deltaScale and P.deltaC ({@link deltaScaleUniforms}). */
export const DELTA_T_WGSL = /* wgsl */ `
fn deltaT(v: f32) -> f32 {
  if (P.deltaC > 0.0) { return 0.5 + sign(v) * log2(1.0 + abs(v) / P.deltaC) * 0.30102999566 * P.deltaScale; }
  return 0.5 + v * P.deltaScale;
}`;

/** One legend tick: value (δ), position t ∈ [0, 1], label. */
export interface DeltaTick { value: number; t: number; label: string }

/** Label of ±10^k (k integer): "0.01", "1", "100" for −3 ≤ k ≤ 4, else "1e−5"; minus as "−". */
export function powerLabel(sign: number, k: number): string {
  const body = k >= -3 && k <= 4 ? (10 ** k).toFixed(Math.max(0, -k)) : `1e${k}`;
  return `${sign < 0 ? '−' : ''}${body}`.replace(/-/g, '−');
}

/**
 * Symlog legend ticks: 0 and ±c·10^k (k ≥ 0, c·10^k ≤ M), every m-th decade so that at most `max` ticks
 * (≥ 3) are drawn, always keeping the largest decade. c must be a power of ten for the labels to be exact
 * ({@link symlogThreshold}); otherwise labels use 3 significant digits.
 */
export function symlogTicks(s: DeltaScale, max = 9): DeltaTick[] {
  if (s.kind !== 'symlog') throw new RangeError('deltaScale: symlogTicks needs a symlog scale.');
  const kTop = Math.floor(Math.log10(s.maxAbs / s.c) + 1e-9);
  const decades = Math.max(0, kTop) + 1;
  const every = Math.max(1, Math.ceil(decades / Math.max(1, Math.floor((Math.max(3, max) - 1) / 2))));
  const p = Math.log10(s.c);
  const exact = Math.abs(p - Math.round(p)) < 1e-9;
  const out: DeltaTick[] = [{ value: 0, t: 0.5, label: '0' }];
  for (let k = kTop; k >= 0; k -= every) {
    const v = s.c * 10 ** k;
    const label = exact ? powerLabel(1, Math.round(p) + k) : String(Number(v.toPrecision(3)));
    out.push({ value: v, t: deltaScaleT(v, s), label }, { value: -v, t: deltaScaleT(-v, s), label: `−${label}` });
  }
  return out.sort((a, b) => a.t - b.t);
}
