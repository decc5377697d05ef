/**
 * How the portrait colours its points (no GPU): the colouring state behind PortraitView.setColorBy,
 * setField and setLossDomain ({@link PortraitColoring}), the LUT written for it, the legend that
 * describes it, and when a new field keeps the colours (and so the trails).
 */
import {
  buildCategoryLut, buildLut, categoryInterpolator, deltaInterpolator, lossInterpolator, type Interpolator, type LegendSpec,
} from '../../../views/colormaps.ts';
import type { ColorBy, PortraitFieldUniforms } from './portraitLayout.ts';
import type { DeltaScale } from '../../../views/deltaScale.ts';
import { validatePortraitField, type PortraitField } from './portraitSource.ts';

/** "Not available" legend text of the field colourings. */
export const MISSING_TEXT = 'not available (no value yet, diverged, or outside the scale)';

/** The field that colours the points: the set field in 'field' mode, else none ('field' without a field draws as 'delta'). */
export function activeField(colorBy: ColorBy, field: PortraitField | null | undefined): PortraitField | undefined {
  return colorBy === 'field' ? field ?? undefined : undefined;
}

/**
 * The LUT of a colouring: `key` identifies it (the interpolator, or 'category:' + the colours) so the
 * buffer is rewritten only on change; `build` makes the 4·LUT_SIZE floats (colormaps.buildLut layout).
 */
export function portraitLut(colorBy: ColorBy, field: PortraitField | undefined): { key: Interpolator | string; build: () => Float32Array } {
  if (field?.scale === 'category') {
    const colors = field.categories.map((c) => c.color);
    return { key: `category:${JSON.stringify(colors)}`, build: () => buildCategoryLut(colors) };
  }
  const interp = field ? field.interpolator : colorBy === 'loss' ? lossInterpolator : deltaInterpolator;
  return { key: interp, build: () => buildLut(interp) };
}

/**
 * The legend of a colouring (same interpolator and domain as {@link portraitLut}). Fields add `missing`
 * ({@link MISSING_TEXT}); categorical fields have scale 'category' and `categories` (with interpolator and
 * domain [0, k] describing the same colours). `lossDomain` in loss units; `delta`: the δ half-width M > 0
 * (linear scale) or the δ colour scale (a symlog one gives scale 'symlog' with linthresh c, src/views/deltaScale.ts).
 */
export function portraitColorSpec(
  colorBy: ColorBy, field: PortraitField | undefined, lossDomain: readonly [number, number], delta: number | DeltaScale,
): LegendSpec {
  if (field?.scale === 'category') {
    const colors = field.categories.map((c) => c.color);
    return {
      title: field.title, interpolator: categoryInterpolator(colors), domain: [0, colors.length], scale: 'category',
      categories: field.categories.map((c) => ({ ...c })), missing: MISSING_TEXT,
    };
  }
  if (field) return { title: field.title, interpolator: field.interpolator, domain: [field.domain[0], field.domain[1]], scale: field.scale, missing: MISSING_TEXT };
  if (colorBy === 'loss') {
    return { title: 'excess loss ½(β−β*)ᵀXX(β−β*)', interpolator: lossInterpolator, domain: [lossDomain[0], lossDomain[1]], scale: 'log' };
  }
  const title = 'δ = η_w a² − η_a‖w‖²  (blue downstream, red upstream)';
  const m = typeof delta === 'number' ? delta : delta.maxAbs;
  if (typeof delta !== 'number' && delta.kind === 'symlog') {
    return { title: `${title}, symlog`, interpolator: deltaInterpolator, domain: [-m, m], scale: 'symlog', linthresh: delta.c };
  }
  return { title, interpolator: deltaInterpolator, domain: [-m, m], scale: 'linear' };
}

/** A copy of a field that its caller cannot change afterwards (categories and domain copied; the buffer shared). */
export function copyField(field: PortraitField): PortraitField {
  return field.scale === 'category'
    ? { ...field, categories: field.categories.map((c) => ({ ...c })) }
    : { ...field, domain: [field.domain[0], field.domain[1]] };
}

/** Whether two fields map values to the same colours up to the domain (buffer, offset, scale, interpolator, categories). */
export function sameColoring(a: PortraitField, b: PortraitField): boolean {
  if (a.buffer !== b.buffer || (a.offset ?? 0) !== (b.offset ?? 0) || a.scale !== b.scale) return false;
  if (a.scale === 'category' || b.scale === 'category') {
    const ca = a.scale === 'category' ? a.categories : [];
    const cb = b.scale === 'category' ? b.categories : [];
    return ca.length === cb.length && ca.every((c, k) => c.label === cb[k].label && c.color === cb[k].color);
  }
  return a.interpolator === b.interpolator;
}

/** Whether two fields draw and describe the same: {@link sameColoring}, title and (continuous) domain. */
export function sameField(a: PortraitField, b: PortraitField): boolean {
  if (!sameColoring(a, b) || a.title !== b.title) return false;
  return a.scale === 'category' || b.scale === 'category' || (a.domain[0] === b.domain[0] && a.domain[1] === b.domain[1]);
}

/** Default excess-loss colour domain (loss units) until PortraitView.setLossDomain is called. */
export const DEFAULT_LOSS_DOMAIN: [number, number] = [1e-6, 10];

/** Lowest excess loss the colour scale resolves (loss units): below it float32 β − β_ols is rounding noise. */
export const LOSS_FLOOR = 1e-8;
/** Decades the loss scale spans from the largest excess loss down (a fixed span keeps colours comparable over time). */
export const LOSS_DECADES = 6;
/** Fewest decades the loss scale spans, so a converged ensemble (max excess loss ≤ LOSS_FLOOR) still has a scale. */
export const MIN_LOSS_DECADES = 2;

/**
 * The excess-loss colour domain for an ensemble whose largest excess loss is `maxExcessLoss` (docs/theory.md
 * §1.2): [max(LOSS_FLOOR, max·10⁻⁶), max], widened upwards to at least MIN_LOSS_DECADES decades. Once every
 * trajectory has converged (max ≤ LOSS_FLOOR, the normal end of a demo) this is [LOSS_FLOOR, 100·LOSS_FLOOR]
 * and every point takes the scale's lowest colour. null when the maximum is not a finite positive number
 * (nothing to scale; keep the previous domain).
 */
export function lossDomainFor(maxExcessLoss: number): [number, number] | null {
  if (!(maxExcessLoss > 0 && Number.isFinite(maxExcessLoss))) return null;
  const lo = Math.max(LOSS_FLOOR, maxExcessLoss * 10 ** -LOSS_DECADES);
  return [lo, Math.max(maxExcessLoss, lo * 10 ** MIN_LOSS_DECADES)];
}

/** What a colouring change asks of the view: clear the trails; rebuild group 0 (a new field buffer). */
export interface ColoringChange { clearTrails: boolean; rebind: boolean }

/**
 * The portrait's colouring: mode, field (with its element offset) and loss domain. Every change that
 * alters the effective colour map writes its LUT through `writeLut` (4·LUT_SIZE floats), once per change.
 */
export class PortraitColoring {
  private mode: ColorBy = 'delta';
  private loss: [number, number] = [...DEFAULT_LOSS_DOMAIN];
  private current: { spec: PortraitField; offset: number } | null = null;
  /** What the LUT holds now (an interpolator, or a categories key); it starts as the δ map. */
  private lutKey: Interpolator | string = deltaInterpolator;

  constructor(private readonly writeLut: (lut: Float32Array) => void) {}

  /** The colouring mode ('field' draws as 'delta' while no field is set). */
  get colorBy(): ColorBy { return this.mode; }
  /** The excess-loss colour domain [lo, hi], loss units (do not modify). */
  get lossDomain(): [number, number] { return this.loss; }
  /** The set field (a private copy), whether or not the mode is 'field'. */
  get field(): PortraitField | null { return this.current?.spec ?? null; }

  /**
   * @returns whether the mode changed (then clear the trails).
   * @throws RangeError for an unknown mode.
   */
  setColorBy(colorBy: ColorBy): boolean {
    if (colorBy !== 'delta' && colorBy !== 'loss' && colorBy !== 'field') throw new RangeError(`PortraitView.setColorBy: unknown mode "${String(colorBy)}".`);
    if (colorBy === this.mode) return false;
    this.mode = colorBy;
    this.syncLut();
    return true;
  }

  /**
   * Sets (or with null clears) the field of an ensemble of n trajectories. A new domain or title alone
   * keeps the trails (the app may widen a domain every frame).
   * @returns null when nothing changed.
   * @throws RangeError from validatePortraitField.
   */
  setField(field: PortraitField | null, n: number): ColoringChange | null {
    if (!field) {
      if (!this.current) return null;
      this.clearField();
      return { clearTrails: this.mode === 'field', rebind: false };
    }
    const offset = validatePortraitField(field, n);
    const old = this.current;
    if (old && sameField(old.spec, field) && old.offset === offset) return null;
    const spec = copyField(field);
    const recolor = !old || old.offset !== offset || !sameColoring(old.spec, spec);
    this.current = { spec, offset };
    this.syncLut();
    return { clearTrails: this.mode === 'field' && recolor, rebind: old?.spec.buffer !== field.buffer };
  }

  /** Drops the field (a new source). */
  clearField(): void {
    this.current = null;
    this.syncLut();
  }

  /**
   * Excess-loss domain [lo, hi] in loss units.
   * @returns null when unchanged, else whether to clear the trails (mode 'loss').
   * @throws RangeError unless 0 < lo < hi (finite).
   */
  setLossDomain(domain: [number, number]): { clearTrails: boolean } | null {
    const [lo, hi] = domain;
    if (!(lo > 0 && hi > lo && Number.isFinite(hi))) throw new RangeError(`PortraitView.setLossDomain: need 0 < lo < hi, got [${lo}, ${hi}].`);
    if (lo === this.loss[0] && hi === this.loss[1]) return null;
    this.loss = [lo, hi];
    return { clearTrails: this.mode === 'loss' };
  }

  /** The legend of the current colouring ({@link portraitColorSpec}); `delta`: M > 0 or the δ colour scale. */
  legend(delta: number | DeltaScale): LegendSpec {
    return portraitColorSpec(this.mode, activeField(this.mode, this.field), this.loss, delta);
  }

  /** What the uniforms need of the field (null when none is set). */
  fieldUniforms(): PortraitFieldUniforms | null {
    const f = this.current;
    return f && { scale: f.spec.scale, offset: f.offset, domain: f.spec.domain ?? [0, 1], count: f.spec.scale === 'category' ? f.spec.categories.length : 0 };
  }

  private syncLut(): void {
    const { key, build } = portraitLut(this.mode, activeField(this.mode, this.field));
    if (key === this.lutKey) return;
    this.lutKey = key;
    this.writeLut(build());
  }
}
