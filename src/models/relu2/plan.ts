/**
 * The networks of a validated relu2 config, built lazily by index so a sweep chunk materialises only its
 * own networks and data sets (docs/theory.md §3). Network order (the output order of `simulate`, the index
 * space of `sweep --shard`):
 * - grid: q = (iSeed·#τ + iτ)·#(δ|α) + iδ; points: q = iSeed·#settings + iSetting; each seed's
 *   networks are a contiguous block of {@link Relu2Plan.networksPerSeed}. The app (grid.ts) runs its
 *   experiments through this plan too, so the app and the CLI share one network order;
 * - explicit: the order of config.init.explicit.
 * Data: teacher data of grid seed s use seed teacher.seed + s (one data set per seed, shared by that seed's
 * (τ, δ) networks); explicit data, or an explicit init with teacher data, give one data set for all.
 */
import { initDirections, learningRateOf, resolveScaleShape, teacherStudentData } from './data.ts';
import type { Relu2NetworkInit, Relu2SimSpec } from './spec.ts';
import { symmetrisedInit, type Relu2Data, type Relu2Params } from '../../theory/index.ts';
import { settingsOf, type Relu2Config, type Relu2Setting } from './config.ts';

/** What is known about a network besides its parameters: τ, δ, α and the grid seed (grid and points inits). */
export interface Relu2NetworkLabel { tau?: number; delta?: number; alpha?: number; seed?: number }

/** A data set of the plan and, for teacher data, its teacher (W: m0×d unit rows, a: ±1). */
export interface PlanData { data: Relu2Data; teacher: Relu2Params | null }

/** Lazily built networks and data sets of one config. */
export class Relu2Plan {
  private datasets = new Map<number, PlanData>();
  private readonly directions = new Map<number, ReturnType<typeof initDirections>>();
  /** The (τ, δ|α) settings each seed repeats (empty for explicit inits). */
  readonly settings: readonly Relu2Setting[];

  constructor(readonly config: Relu2Config) {
    this.settings = config.init.kind === 'explicit' ? [] : settingsOf(config.init);
  }

  /** Number of networks. */
  get count(): number { return this.config.networks; }

  /** Networks per seed (#settings: #τ·#(δ|α) for a grid); for explicit inits, all networks. */
  get networksPerSeed(): number {
    return this.config.init.kind === 'explicit' ? this.config.init.params.length : this.settings.length;
  }

  /** Number of data sets: one per seed for teacher data with a grid or points init, else one. */
  get dataCount(): number {
    const { init, data } = this.config;
    return init.kind !== 'explicit' && data.kind === 'teacher' ? init.seeds.length : 1;
  }

  private checkIndex(q: number): void {
    if (!(Number.isInteger(q) && q >= 0 && q < this.count)) throw new RangeError(`network index ${q} outside [0, ${this.count})`);
  }

  /** Index of the data set of network q (the seed index for teacher data, else 0). */
  dataKey(q: number): number {
    this.checkIndex(q);
    return this.dataCount > 1 ? Math.floor(q / this.networksPerSeed) : 0;
  }

  /** τ, δ, α and seed of network q (empty for explicit inits). @throws RangeError outside [0, count). */
  label(q: number): Relu2NetworkLabel {
    this.checkIndex(q);
    const { init } = this.config;
    if (init.kind === 'explicit') return {};
    const setting = this.settings[q % this.settings.length];
    const point = resolveScaleShape(setting);
    return { tau: point.tau, delta: point.delta, alpha: point.alpha, seed: init.seeds[Math.floor(q / this.settings.length)] };
  }

  /**
   * The data set with key k (0 ≤ k < dataCount) and its teacher; cached until the next
   * {@link specOf} call that does not need it.
   */
  data(k: number): PlanData {
    let entry = this.datasets.get(k);
    if (!entry) {
      const { data: source, init, slope } = this.config;
      if (source.kind === 'explicit') entry = { data: source.data, teacher: null };
      else {
        const seed = source.teacher.seed + (init.kind === 'explicit' ? 0 : init.seeds[k]);
        const { teacher, ...generated } = teacherStudentData({ ...source.teacher, seed }, slope);
        entry = { data: generated, teacher };
      }
      this.datasets.set(k, entry);
    }
    return entry;
  }

  /** θ₀ and η of network q (without its data index). */
  private network(q: number): Omit<Relu2NetworkInit, 'dataIndex'> {
    const { init, learningRate, d } = this.config;
    if (init.kind === 'explicit') return { init: init.params[q], eta: learningRateOf(learningRate, 1) };
    const { tau, alpha, seed } = this.label(q) as Required<Relu2NetworkLabel>;
    let dirs = this.directions.get(seed);
    if (!dirs) {
      if (this.directions.size > 64) this.directions.clear();
      this.directions.set(seed, dirs = initDirections(seed, init.m, d));
    }
    return { init: symmetrisedInit(tau, alpha, dirs.directions, dirs.signs), eta: learningRateOf(learningRate, tau) };
  }

  /**
   * The Relu2SimSpec of networks [start, end): only the data sets they use, re-indexed from 0, plus their
   * labels (spec.networks[i] is network start + i).
   * @throws RangeError when the range is empty or outside [0, count).
   */
  spec(start: number, end: number): { spec: Relu2SimSpec; labels: Relu2NetworkLabel[] } {
    if (!(end > start)) throw new RangeError(`empty network range [${start}, ${end})`);
    return this.specOf(Array.from({ length: end - start }, (_, i) => start + i));
  }

  /**
   * The Relu2SimSpec of the listed networks, in the listed order (spec.networks[i] is network
   * indices[i]), with only the data sets they use, re-indexed from 0, plus their labels.
   * @throws RangeError when the list is empty or an index is outside [0, count).
   */
  specOf(indices: readonly number[]): { spec: Relu2SimSpec; labels: Relu2NetworkLabel[] } {
    if (indices.length === 0) throw new RangeError('empty network list');
    const local = new Map<number, number>();
    const datasets: Relu2Data[] = [];
    const keep = new Map<number, PlanData>();
    const networks: Relu2NetworkInit[] = [];
    const labels: Relu2NetworkLabel[] = [];
    for (const q of indices) {
      const key = this.dataKey(q);
      let dataIndex = local.get(key);
      if (dataIndex === undefined) {
        const entry = this.data(key);
        keep.set(key, entry);
        local.set(key, dataIndex = datasets.length);
        datasets.push(entry.data);
      }
      networks.push({ ...this.network(q), dataIndex });
      labels.push(this.label(q));
    }
    this.datasets = keep;
    return { spec: { datasets, networks, slope: this.config.slope }, labels };
  }
}
