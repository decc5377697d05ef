/**
 * Time-series chart: a thin wrapper over uPlot with the app's dark style, for metric curves over GD
 * checkpoints (loss, Hamming distance H, kernel distance S, ‖θ − θ₀‖). Factory + narrow update method
 * that throws on a shape mismatch (docs/architecture.md).
 *
 * Log scales: uPlot cannot place values ≤ 0 (or non-finite) on a log axis; such y values become gaps
 * and such x values drop their whole column (e.g. step 0 on a log step axis).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { BACKGROUND_COLOR, GRID_COLOR, LABEL_COLOR } from './colormaps.ts';
import { formatTick, niceTicks } from './viewMath.ts';
import { THEME, themeFont } from './theme.ts';

/** Options of {@link createTimeSeries}. */
export interface TimeSeriesOptions {
  title: string;
  yLabel: string;
  yScale: 'linear' | 'log';
  xLabel: string;
  /** x scale; default 'linear'. */
  xScale?: 'linear' | 'log';
  /** Plot height in CSS px (axes included, title and legend not); default 170. */
  height?: number;
}

/**
 * One curve: legend label, y values (one per x), CSS colour, dashed or solid; `legend: false` leaves it
 * out of the legend (e.g. a dashed test-loss twin of a labelled train-loss curve).
 */
export interface TimeSeriesSeries { label: string; values: ArrayLike<number>; color: string; dash?: boolean; legend?: boolean }

/** One curve as drawn: its label, CSS colour and number of plotted points. */
export interface DrawnCurve { label: string; color: string; points: number }

/** The handle returned by {@link createTimeSeries}. */
export interface TimeSeries {
  /** The chart's root element (title, plot and legend). */
  readonly element: HTMLElement;
  /**
   * Replaces all curves. x is shared (ascending); every series has one value per x (NaN = gap).
   * @throws RangeError when a series' length differs from x's.
   */
  setSeries(x: Float64Array | readonly number[], series: readonly TimeSeriesSeries[]): void;
  /**
   * What the last {@link TimeSeries.setSeries} drew: one entry per curve, in order, with the number of
   * plotted (finite, on-scale) points. For tests and exports; empty before the first call.
   */
  readonly drawn: readonly DrawnCurve[];
  /** The chart (title, plot, legend labels) as a PNG. */
  toPng(): Promise<Blob>;
  /** Removes the chart. */
  destroy(): void;
}

const STYLE_ID = 'lazyrich-timeseries-style';
/** The charts' CSS, in the active theme (src/views/theme.ts); injected once, when the first chart is built. */
const css = (k = THEME.fontScale) => `
.lr-ts { color: ${THEME.label}; font: ${11 * k}px/1.3 system-ui, sans-serif; }
.lr-ts .u-title { font-size: ${12 * k}px; font-weight: 600; color: ${THEME.text}; text-align: left; padding: 0 0 2px 6px; }
.lr-ts .u-legend { font-size: ${10.5 * k}px; text-align: left; margin: 0 0 0 6px; }
.lr-ts .u-legend .u-series > * { padding: 1px 3px; }
.lr-ts .u-legend .u-marker { width: 0.9em; height: 0.9em; }
.lr-ts .u-empty { position: absolute; inset: 22px 0 0 0; display: flex; align-items: center; justify-content: center; color: ${THEME.muted}; pointer-events: none; background: ${THEME.background}; }
`;

function injectStyle(): void {
  if (document.getElementById(STYLE_ID)) return;
  const style = Object.assign(document.createElement('style'), { id: STYLE_ID, textContent: css() });
  document.head.append(style);
}

/**
 * Aligns data for uPlot: drops x ≤ 0 on a log x axis, turns non-finite (and, on a log y axis, ≤ 0)
 * values into null gaps. Pure; exported for tests.
 * @throws RangeError on a length mismatch.
 */
export function alignSeries(
  x: ArrayLike<number>, series: readonly Pick<TimeSeriesSeries, 'values' | 'label'>[], xScale: 'linear' | 'log', yScale: 'linear' | 'log',
): { x: number[]; ys: (number | null)[][] } {
  for (const s of series) {
    if (s.values.length !== x.length) throw new RangeError(`timeSeries.setSeries: series "${s.label}" has ${s.values.length} values for ${x.length} x values.`);
  }
  const keep: number[] = [];
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]) && (xScale === 'linear' || x[i] > 0)) keep.push(i);
  const ok = (v: number) => Number.isFinite(v) && (yScale === 'linear' || v > 0);
  return {
    x: keep.map((i) => x[i]),
    ys: series.map((s) => keep.map((i) => (ok(s.values[i]) ? s.values[i] : null))),
  };
}

/** Spans narrower than this, relative to the values' magnitude, are drawn as constant (see {@link axisRange}). */
export const MIN_RELATIVE_SPAN = 1e-6;

/**
 * The [min, max] an axis shows for data in [min, max]. uPlot's own rounding collapses a span below about
 * 1e-8 of the values' magnitude to a zero-width range, and then draws nothing (a converged trajectory's
 * constant curve vanished). Here such a span, or a single value, is centred in a window of ±5 % of its
 * magnitude (±1 around 0; a factor √10 each way on a log axis); wider spans get uPlot's usual padding
 * (`pad`) or none. Non-finite or, on a log axis, non-positive limits give a default window. Pure.
 */
export function axisRange(min: number | null, max: number | null, scale: 'linear' | 'log', pad: boolean): [number, number] {
  if (scale === 'log') {
    if (min == null || max == null || !(min > 0) || !(max >= min) || !Number.isFinite(max)) return [0.1, 10];
    if (max <= min * (1 + MIN_RELATIVE_SPAN)) return [min / Math.sqrt(10), max * Math.sqrt(10)];
    return pad ? uPlot.rangeLog(min, max, 10, false) as [number, number] : [min, max];
  }
  if (min == null || max == null || !Number.isFinite(min) || !Number.isFinite(max) || max < min) return [0, 1];
  const magnitude = Math.max(Math.abs(min), Math.abs(max));
  if (max - min <= MIN_RELATIVE_SPAN * magnitude) {
    const centre = (min + max) / 2, half = magnitude > 0 ? 0.05 * magnitude : 1;
    return [centre - half, centre + half];
  }
  return pad ? uPlot.rangeNum(min, max, 0.1, true) as [number, number] : [min, max];
}

/** Least spacing of two linear ticks, CSS px (vertical axes: one label per line). */
export const MIN_TICK_SPACE_PX = 28;
/** Least spacing of two ticks of the horizontal (t) axis, CSS px: room for labels such as "0.005" side by side. */
export const MIN_X_TICK_SPACE_PX = 56;

/**
 * Tick values of a linear axis showing [min, max] over `lengthPx` CSS px: nice 1/2/5 steps, at least
 * about {@link MIN_TICK_SPACE_PX} apart (aiming at no more than 8 ticks). Replaces uPlot's own splits, which loop forever (and
 * throw `RangeError: Invalid array length`) when a narrow range sits far from 0, e.g. the kernel distance
 * of a converged lazy trajectory with its closed form, [0.003834351, 0.003834434]: uPlot rounds each
 * tick to the step's decimals and the next tick never passes the max. Pure; empty for an empty range.
 */
export function linearSplits(min: number, max: number, lengthPx: number, minSpacePx = MIN_TICK_SPACE_PX): number[] {
  if (!(Number.isFinite(min) && Number.isFinite(max) && max > min)) return [];
  const count = Math.max(2, Math.min(8, Math.floor(lengthPx / minSpacePx)));
  return niceTicks(min, max, count).values;
}

/**
 * Tick values of a log axis showing [min, max] (> 0) over `lengthPx` CSS px: the powers of ten inside,
 * thinned to every k-th so that they stay {@link MIN_TICK_SPACE_PX} apart; [min, max] themselves when no
 * power of ten lies inside. Replaces uPlot's log splits, whose table of steps ends at 1e−16 and which
 * loop forever (`RangeError: Invalid array length`) on smaller values, e.g. the closed-form excess loss of
 * a converged trajectory (≈ 1e−32 at t = 20). Pure; empty for an invalid range.
 */
export function logSplits(min: number, max: number, lengthPx: number): number[] {
  if (!(min > 0 && Number.isFinite(max) && max > min)) return [];
  const k0 = Math.ceil(Math.log10(min) - 1e-9);
  const k1 = Math.floor(Math.log10(max) + 1e-9);
  if (k1 < k0) return [min, max];
  const fit = Math.max(2, Math.floor(lengthPx / MIN_TICK_SPACE_PX));
  const every = Math.max(1, Math.ceil((k1 - k0 + 1) / fit));
  const out: number[] = [];
  for (let k = k0; k <= k1; k += every) out.push(10 ** k);
  return out;
}

/** Tick label: grouped digits for large values, 1e−4 style below 1e−3 (log axes), else 3 significant digits. */
export function tickLabel(v: number | null, scale: 'linear' | 'log'): string {
  if (v == null || !Number.isFinite(v)) return '';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || (scale === 'log' && a < 1e-3) || a < 1e-6) return v.toExponential(0).replace('e-', 'e−').replace('e+', 'e');
  if (a >= 1000) return Math.round(v).toLocaleString('en');
  return String(Number(v.toPrecision(3)));
}

/** Builds a chart inside `container` (fills its width, follows its size). */
export function createTimeSeries(container: HTMLElement, options: TimeSeriesOptions): TimeSeries {
  injectStyle();
  const root = document.createElement('div');
  root.className = 'lr-ts';
  Object.assign(root.style, { position: 'relative', width: '100%' } satisfies Partial<CSSStyleDeclaration>);
  container.append(root);
  const xScale = options.xScale ?? 'linear';
  const height = options.height ?? 170;
  let plot: uPlot | null = null;
  let signature = '';
  let lastSeries: readonly TimeSeriesSeries[] = [];
  let drawn: DrawnCurve[] = [];
  const empty = Object.assign(document.createElement('div'), { className: 'u-empty', textContent: 'no data yet' });

  const axis = (label: string, scale: 'linear' | 'log', vertical: boolean): uPlot.Axis => ({
    label, stroke: LABEL_COLOR,
    // Our own ticks (linearSplits, logSplits); linear ones labelled with just enough decimals for their step.
    ...(scale === 'linear' ? {
      splits: (u: uPlot, _i: number, min: number, max: number) => linearSplits(min, max, (vertical ? u.bbox.height : u.bbox.width) / (window.devicePixelRatio || 1),
        vertical ? MIN_TICK_SPACE_PX : MIN_X_TICK_SPACE_PX),
      values: (_u: uPlot, splits: number[]) => splits.map((v) => (splits.length > 1 ? formatTick(v, splits[1] - splits[0]) : tickLabel(v, scale))),
    } : {
      splits: (u: uPlot, _i: number, min: number, max: number) => logSplits(min, max, (vertical ? u.bbox.height : u.bbox.width) / (window.devicePixelRatio || 1)),
      values: (_u: uPlot, splits: number[]) => splits.map((v) => tickLabel(v, scale)),
    }), labelSize: 16, labelFont: themeFont(11), font: themeFont(10, 'ui-monospace, monospace'),
    grid: { stroke: GRID_COLOR, width: 1 }, ticks: { stroke: GRID_COLOR, width: 1, size: 4 }, size: 44,
  });

  const build = (series: readonly TimeSeriesSeries[], data: uPlot.AlignedData) => {
    plot?.destroy();
    const opts: uPlot.Options = {
      title: options.title,
      width: Math.max(160, root.clientWidth || 320),
      height,
      scales: {
        x: { time: false, distr: xScale === 'log' ? 3 : 1, range: (_u, min, max) => axisRange(min, max, xScale, false) },
        y: { distr: options.yScale === 'log' ? 3 : 1, range: (_u, min, max) => axisRange(min, max, options.yScale, true) },
      },
      axes: [axis(options.xLabel, xScale, false), axis(options.yLabel, options.yScale, true)],
      series: [
        { label: options.xLabel, value: (_u, v) => (v == null ? '–' : Number(v.toPrecision(4)).toLocaleString('en')) },
        ...series.map((s) => ({
          label: s.label, stroke: s.color, width: 1.6 * THEME.lineScale, dash: s.dash ? [5, 4] : undefined, spanGaps: false,
          points: { show: true, size: 4, fill: s.color, stroke: s.color },
          value: (_u: uPlot, v: number | null) => (v == null ? '–' : v.toPrecision(3)),
        })),
      ],
      // No legend when every curve opts out (a key outside the chart names them; it would list only "t").
      legend: { show: series.some((s) => s.legend !== false), live: false },
      cursor: { drag: { x: false, y: false } },
    };
    plot = new uPlot(opts, data, root);
    // The legend lists the x series too only in live mode: align from the end.
    const rows = root.querySelectorAll<HTMLElement>('.u-legend .u-series');
    const offset = rows.length - series.length;
    series.forEach((s, i) => { if (s.legend === false && rows[i + offset]) rows[i + offset].style.display = 'none'; });
    root.append(empty);
  };

  const observer = new ResizeObserver(() => {
    if (plot && root.clientWidth && Math.abs(plot.width - root.clientWidth) > 1) plot.setSize({ width: root.clientWidth, height });
  });
  observer.observe(root);

  const handle: TimeSeries = {
    element: root,
    get drawn() { return drawn; },
    setSeries(x, series) {
      const { x: xs, ys } = alignSeries(x, series, xScale, options.yScale);
      const data = [xs, ...ys] as uPlot.AlignedData;
      const sig = series.map((s) => `${s.label}|${s.color}|${s.dash ? 1 : 0}|${s.legend === false ? 0 : 1}`).join(';');
      const hasData = ys.some((y) => y.some((v) => v !== null));
      if (!plot || sig !== signature) {
        signature = sig;
        build(series, data);
      } else {
        plot.setData(data);
      }
      lastSeries = series;
      drawn = series.map((s, k) => ({ label: s.label, color: s.color, points: ys[k].filter((v) => v !== null).length }));
      empty.style.display = hasData ? 'none' : 'flex';
    },
    async toPng() {
      const src = plot?.ctx.canvas;
      const dpr = window.devicePixelRatio || 1;
      const w = src ? src.width : Math.round(320 * dpr), h = src ? src.height : Math.round(height * dpr);
      const shown = lastSeries.filter((s) => s.legend !== false);
      const legendH = Math.round(16 * dpr * Math.ceil(shown.length / 3));
      const top = Math.round(20 * dpr);
      const out = Object.assign(document.createElement('canvas'), { width: w, height: h + top + legendH });
      const g = out.getContext('2d') as CanvasRenderingContext2D;
      g.fillStyle = BACKGROUND_COLOR;
      g.fillRect(0, 0, out.width, out.height);
      g.scale(dpr, dpr);
      g.fillStyle = THEME.text;
      g.font = themeFont(12, 'system-ui, sans-serif', '600');
      g.textBaseline = 'middle';
      g.fillText(options.title, 6, 10);
      g.setTransform(1, 0, 0, 1, 0, 0);
      if (src) g.drawImage(src, 0, top);
      g.scale(dpr, dpr);
      g.font = '11px system-ui, sans-serif';
      shown.forEach((s, i) => {
        const x = 8 + (i % 3) * ((w / dpr) / 3), y = (top + h) / dpr + 8 + 16 * Math.floor(i / 3);
        g.strokeStyle = s.color;
        g.lineWidth = 2;
        g.setLineDash(s.dash ? [5, 4] : []);
        g.beginPath(); g.moveTo(x, y); g.lineTo(x + 18, y); g.stroke();
        g.fillStyle = LABEL_COLOR;
        g.fillText(s.label, x + 24, y);
      });
      return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('timeSeries.toPng: encoding failed'))), 'image/png'));
    },
    destroy() {
      observer.disconnect();
      plot?.destroy();
      plot = null;
      root.remove();
    },
  };
  return handle;
}
