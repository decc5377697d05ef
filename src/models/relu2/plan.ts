/**
 * The networks of a validated relu2 config, built lazily by index so a sweep chunk materialises only its
 * own networks and data sets (theory.md §3). Network order (the output order of `simulate`, the index
 * space of `sweep --shard`):
 * - grid: q = (iSeed·#τ + iτ)·#(δ|α) + iδ — the order of buildRelu2Grid; each seed's networks are a
 *   contiguous block of {@link Relu2Plan.networksPerSeed};
 * - explicit: the order of config.init.explicit.
 * Data: teacher data of grid seed s use seed teacher.seed + s (one data set per seed, shared by that seed's
 * (τ, δ) networks); explicit data, or an explicit init with teacher data, give one data set for all.
 */
import { symmetrisedInit, type Relu2Data } from '../../theory/index.ts';
import type { Relu2Config } from './config.ts';
import { initDirections, learningRateOf, resolveScaleShape, teacherStudentData } from './data.ts';
import type { Relu2NetworkInit, Relu2SimSpec } from './spec.ts';

/** What is known about a network besides its parameters: τ, δ, α and the grid seed (grid inits only). */
export interface Relu2NetworkLabel { tau?: number; delta?: number; alpha?: number; seed?: number }

/** Lazily built networks and data sets of one config. */
export class Relu2Plan {
  private datasets = new Map<number, Relu2Data>();
  private readonly directions = new Map<number, ReturnType<typeof initDirections>>();

  constructor(readonly config: Relu2Config) {}

  /** Number of networks. */
  get count(): number { return this.config.networks; }

  /** Networks per grid seed (#τ·#(δ|α)); for explicit inits, all networks. */
  get networksPerSeed(): number {
    const { init } = this.config;
    return init.kind === 'grid' ? init.taus.length * (init.deltas ?? init.alphas!).length : init.params.length;
  }

  private checkIndex(q: number): void {
    if (!(Number.isInteger(q) && q >= 0 && q < this.count)) throw new RangeError(`network index ${q} outside [0, ${this.count})`);
  }

  /** Index of the data set of network q (the grid seed index for teacher data, else 0). */
  dataKey(q: number): number {
    this.checkIndex(q);
    const { init, data } = this.config;
    return init.kind === 'grid' && data.kind === 'teacher' ? Math.floor(q / this.networksPerSeed) : 0;
  }

  /** τ, δ, α and seed of network q (empty for explicit inits). @throws RangeError outside [0, count). */
  label(q: number): Relu2NetworkLabel {
    this.checkIndex(q);
    const { init } = this.config;
    if (init.kind !== 'grid') return {};
    const shapes = (init.deltas ?? init.alphas)!;
    const iShape = q % shapes.length;
    const iTau = Math.floor(q / shapes.length) % init.taus.length;
    const iSeed = Math.floor(q / this.networksPerSeed);
    const tau = init.taus[iTau];
    const point = resolveScaleShape(init.deltas ? { tau, delta: shapes[iShape] } : { tau, alpha: shapes[iShape] });
    return { tau: point.tau, delta: point.delta, alpha: point.alpha, seed: init.seeds[iSeed] };
  }

  /** The data set with key k (cached until the next {@link spec} call that does not need it). */
  private dataset(k: number): Relu2Data {
    let data = this.datasets.get(k);
    if (!data) {
      const { data: source, init, slope } = this.config;
      if (source.kind === 'explicit') data = source.data;
      else {
        const seed = source.teacher.seed + (init.kind === 'grid' ? init.seeds[k] : 0);
        const { teacher: _teacher, ...generated } = teacherStudentData({ ...source.teacher, seed }, slope);
        data = generated;
      }
      this.datasets.set(k, data);
    }
    return data;
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
    this.checkIndex(start);
    this.checkIndex(end - 1);
    const local = new Map<number, number>();
    const datasets: Relu2Data[] = [];
    const keep = new Map<number, Relu2Data>();
    const networks: Relu2NetworkInit[] = [];
    const labels: Relu2NetworkLabel[] = [];
    for (let q = start; q < end; q++) {
      const key = this.dataKey(q);
      let dataIndex = local.get(key);
      if (dataIndex === undefined) {
        const data = this.dataset(key);
        keep.set(key, data);
        local.set(key, dataIndex = datasets.length);
        datasets.push(data);
      }
      networks.push({ ...this.network(q), dataIndex });
      labels.push(this.label(q));
    }
    this.datasets = keep;
    return { spec: { datasets, networks, slope: this.config.slope }, labels };
  }
}
