/**
 * The Part III measurements of issue 14 ("Done means", docs/measurements.md), reproduced from the presets:
 *   1. rhm-reduced: test accuracy (fraction) at the last checkpoint per (α, training-set size), mean and min–max over seeds;
 *   2. rhm-reduced: kernel distance S(0, t) of the empirical NTK per α at every checkpoint (steps), and the checkpoint
 *      where the α's separate most;
 *   3. grokking: steps to grok per (τ, α) (first checkpoint with validation accuracy ≥ 0.99), and the step at which
 *      training accuracy first reached 1 (the grokking delay is the difference).
 * A thin layer over the CLI: the config is mlpAppConfig(schema defaults + preset) (src/models/mlp/params.ts), parsed by
 * parseMlpConfig and run by simulateMlp (src/models/mlp/run.ts), one network at a time, so each network's entry is
 * cached in --dir and an interrupted run resumes. Networks run seed-major (all cells of the first seed, then the next),
 * so `--seeds k` gives complete grids with k seeds. Every network is independent, so the entries equal those of one
 * `lazyrich simulate` of the whole preset.
 *
 *   npx tsx bench/mlpExperiments.ts rhm|grok|all [--backend cpu|gpu] [--seeds k] [--dir DIR (out/mlp-experiments)]
 *   npx tsx bench/mlpExperiments.ts config rhm|grok          # the preset's CLI config (for lazyrich simulate on a GPU)
 *   npx tsx bench/mlpExperiments.ts tables FILE.json …       # the tables of `lazyrich simulate` output files
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaults, type Params } from '../src/params/schema.ts';
import { checkMlpParams, mlpAppConfig, MLP_PRESETS, MLP_SCHEMA, type MlpSchema } from '../src/models/mlp/params.ts';
import { parseMlpConfig } from '../src/models/mlp/config.ts';
import { simulateMlp, type MlpNetworkOutput } from '../src/models/mlp/run.ts';
import { table } from './common.ts';

/** The experiments: name → preset. */
export const EXPERIMENTS = { rhm: 'rhm-reduced', grok: 'grokking' } as const;
type Experiment = keyof typeof EXPERIMENTS;

/** Validation accuracy that counts as grokked (the paper's Fig. 12 threshold). */
export const GROK_ACCURACY = 0.99;

/** Schema defaults + the preset, checked (throws ParamError naming the field). */
export function presetParams(preset: string): Params<MlpSchema> {
  const p = { ...defaults(MLP_SCHEMA), ...MLP_PRESETS[preset] } as Params<MlpSchema>;
  checkMlpParams(p);
  return p;
}

/** One result: the header fields the tables need and the entries (output order of `lazyrich simulate`). */
export interface ExperimentResult { preset: string; checkpoints: number[]; backend: string; networks: (MlpNetworkOutput & { wallSeconds?: number })[] }

/**
 * Runs (or resumes from `dir`) the networks of a preset's first `seeds` seeds, seed-major, one simulateMlp call per
 * network; each entry is written to dir/<preset>/net-<index>.json with its wall time (s).
 * @throws Error naming the file when a cached entry was run on another backend.
 * @returns the result over the networks run so far, in the config's order.
 */
export async function runPreset(preset: string, dir: string, backend: 'cpu' | 'gpu', seeds?: number, log = (s: string) => process.stderr.write(`${s}\n`)): Promise<ExperimentResult> {
  const params = presetParams(preset);
  const cfg = parseMlpConfig(mlpAppConfig(params));
  const keep = seeds ?? params.seeds;
  const out = join(dir, preset);
  mkdirSync(out, { recursive: true });
  const order = cfg.networks.map((n, i) => ({ i, s: n.seed! - params.seed })).filter((x) => x.s < keep).sort((a, b) => a.s - b.s || a.i - b.i);
  const done: ExperimentResult['networks'] = [];
  for (const [k, { i }] of order.entries()) {
    const file = join(out, `net-${i}.json`);
    if (!existsSync(file)) {
      const t0 = performance.now();
      const doc = await simulateMlp(cfg, { backend }, i, i + 1);
      const wallSeconds = (performance.now() - t0) / 1000;
      writeFileSync(file, JSON.stringify({ index: i, backend: doc.header.backend, adapter: doc.header.adapter, wallSeconds, entry: (doc.entries as MlpNetworkOutput[])[0] }));
      const n = cfg.networks[i];
      log(`${preset}: network ${i} (α ${n.alpha}, τ ${n.tau}, n ${n.trainSize}, seed ${n.seed}) ${wallSeconds.toFixed(1)} s [${k + 1}/${order.length}] ${new Date().toISOString()}`);
    }
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { index: number; backend: string; wallSeconds: number; entry: MlpNetworkOutput };
    if (saved.backend !== backend) throw new Error(`${file} was run on the ${saved.backend} backend, not ${backend}: pass another --dir`);
    done[i] = { ...saved.entry, wallSeconds: saved.wallSeconds };
  }
  return { preset, checkpoints: cfg.checkpoints, backend, networks: done.filter(Boolean) };
}

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const uniq = (v: number[]): number[] => [...new Set(v)].sort((a, b) => a - b);
const f3 = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : x.toFixed(3));
const last = <T>(v: T[]): T => v[v.length - 1];

/** Mean, min and max of the defined values (null when none). */
function stats(v: (number | null)[]): { mean: number; min: number; max: number; n: number } | null {
  const x = v.filter((y): y is number => y !== null);
  return x.length ? { mean: mean(x), min: Math.min(...x), max: Math.max(...x), n: x.length } : null;
}
const cell = (s: ReturnType<typeof stats>): string => (s ? (s.n > 1 ? `${f3(s.mean)} (${f3(s.min)}–${f3(s.max)})` : f3(s.mean)) : '—');

/** Table 1: test accuracy (fraction) at the last checkpoint, rows α, columns training-set size; mean (min–max) over seeds. */
export function accuracyTable(r: ExperimentResult): string {
  const alphas = uniq(r.networks.map((n) => n.alpha!)), sizes = uniq(r.networks.map((n) => n.trainSize));
  const rows = alphas.map((a) => [`${a}`, `${uniq(r.networks.filter((n) => n.alpha === a).map((n) => n.seed!)).length}`,
    ...sizes.map((s) => cell(stats(r.networks.filter((n) => n.alpha === a && n.trainSize === s).map((n) => last(n.testAccuracy)))))]);
  return table(['α', 'seeds', ...sizes.map((s) => `n = ${s}`)], rows);
}

/** Mean S(0, t) over seeds (and sizes unless `size` is given) per α, at every checkpoint. */
function kernelMeans(r: ExperimentResult, size?: number): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const a of uniq(r.networks.map((n) => n.alpha!))) {
    const nets = r.networks.filter((n) => n.alpha === a && (size === undefined || n.trainSize === size) && !n.diverged);
    out.set(a, r.checkpoints.map((_, c) => stats(nets.map((n) => n.kernelDistance[c]))?.mean ?? NaN));
  }
  return out;
}

/** The checkpoint index where the α means of S spread most (max − min over α), and that spread. */
export function separatingCheckpoint(r: ExperimentResult): { index: number; spread: number } {
  const m = [...kernelMeans(r).values()];
  let best = { index: 0, spread: -1 };
  r.checkpoints.forEach((_, c) => {
    const v = m.map((row) => row[c]);
    const spread = Math.max(...v) - Math.min(...v);
    if (spread > best.spread) best = { index: c, spread };
  });
  return best;
}

/** Table 2: S(0, t) per α (rows: α, or α × size) at every checkpoint, mean over seeds (and over sizes in the first rows). */
export function kernelTable(r: ExperimentResult): string {
  const sizes = uniq(r.networks.map((n) => n.trainSize));
  const rows: string[][] = [];
  for (const [a, v] of kernelMeans(r)) rows.push([`${a}`, 'all', ...v.map(f3)]);
  for (const s of sizes) for (const [a, v] of kernelMeans(r, s)) rows.push([`${a}`, `${s}`, ...v.map(f3)]);
  return table(['α', 'n', ...r.checkpoints.map((c) => `${c}`)], rows);
}

/** First checkpoint step where series[c] ≥ threshold, or null. */
const firstAt = (r: ExperimentResult, series: (number | null)[], threshold: number): number | null => {
  const c = series.findIndex((x) => x !== null && x >= threshold);
  return c < 0 ? null : r.checkpoints[c];
};

/** Table 3: steps to grok per (τ, α): mean over the seeds that grokked, "k/n" grokked, and each seed's step (— : not by the last checkpoint). */
export function grokTable(r: ExperimentResult, key: 'testAccuracy' | 'trainAccuracy' = 'testAccuracy', threshold = GROK_ACCURACY): string {
  const taus = uniq(r.networks.map((n) => n.tau)), alphas = uniq(r.networks.map((n) => n.alpha!));
  const oneSeed = uniq(r.networks.map((n) => n.seed!)).length === 1;
  const rows = taus.map((t) => [`${t}`, ...alphas.map((a) => {
    const steps = r.networks.filter((n) => n.tau === t && n.alpha === a).sort((x, y) => x.seed! - y.seed!).map((n) => firstAt(r, n[key], threshold));
    const hit = steps.filter((s): s is number => s !== null);
    const each = steps.map((s) => (s === null ? '—' : `${s}`)).join(', ');
    return oneSeed ? each : `${hit.length ? Math.round(mean(hit)) : '—'} (${hit.length}/${steps.length}: ${each})`;
  })]);
  return table(['τ \\ α', ...alphas.map((a) => `α = ${a}`)], rows, 1);
}

/** Whether every grokked network fit its training set (train accuracy 1) at an earlier checkpoint; the delays (steps). */
export function grokDelays(r: ExperimentResult): { grokked: number; total: number; trainFirst: number; delays: number[] } {
  let grokked = 0, trainFirst = 0;
  const delays: number[] = [];
  for (const n of r.networks) {
    const g = firstAt(r, n.testAccuracy, GROK_ACCURACY), fit = firstAt(r, n.trainAccuracy, 1);
    if (g === null) continue;
    grokked++;
    if (fit !== null && fit < g) { trainFirst++; delays.push(g - fit); }
  }
  return { grokked, total: r.networks.length, trainFirst, delays };
}

/** All tables of one result, as Markdown. */
export function report(r: ExperimentResult): string {
  const wall = r.networks.reduce((s, n) => s + (n.wallSeconds ?? 0), 0);
  const head = `### ${r.preset} (${r.networks.length} networks, backend ${r.backend}${wall ? `, ${(wall / 60).toFixed(1)} min of runs` : ''})`;
  if (r.networks.some((n) => n.trainSize !== r.networks[0].trainSize)) {
    const sep = separatingCheckpoint(r);
    const div = r.networks.filter((n) => n.diverged).length;
    return [head, '', `Test accuracy (fraction) at step ${last(r.checkpoints)}, mean (min–max) over seeds${div ? `; ${div} diverged` : ''}:`, '', accuracyTable(r), '',
      `Kernel distance S(0, t) (mean over seeds; "all": over sizes too), columns in steps. The α means separate most at step ${r.checkpoints[sep.index]} (spread ${f3(sep.spread)}):`, '',
      kernelTable(r)].join('\n');
  }
  const d = grokDelays(r);
  return [head, '', `Steps to grok (first checkpoint with validation accuracy ≥ ${GROK_ACCURACY}; — : not by step ${last(r.checkpoints)}), mean over grokked seeds (grokked/seeds: per seed):`, '', grokTable(r), '',
    'Steps until training accuracy first reached 1:', '', grokTable(r, 'trainAccuracy', 1), '',
    `${d.grokked}/${d.total} networks grokked; ${d.trainFirst} of them fit the training set at an earlier checkpoint (delay ${d.delays.length ? `${Math.min(...d.delays)}–${Math.max(...d.delays)}, median ${d.delays.sort((a, b) => a - b)[d.delays.length >> 1]}` : '—'} steps).`].join('\n');
}

/** The result of a `lazyrich simulate` output file of a preset's config. */
export function resultOfFile(file: string): ExperimentResult {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { checkpoints: number[]; backend: string; data: { kind: string }; networks: MlpNetworkOutput[] };
  return { preset: `${file} (${doc.data.kind})`, checkpoints: doc.checkpoints, backend: doc.backend, networks: doc.networks };
}

async function main(argv: string[]): Promise<void> {
  const [what, ...rest] = argv;
  const opt = (name: string): string | undefined => { const i = rest.indexOf(name); return i < 0 ? undefined : rest[i + 1]; };
  if (what === 'config') {
    const e = rest[0] as Experiment;
    if (!(e in EXPERIMENTS)) throw new Error(`config: expected rhm or grok, got ${rest[0]}`);
    process.stdout.write(`${JSON.stringify(mlpAppConfig(presetParams(EXPERIMENTS[e])))}\n`);
    return;
  }
  if (what === 'tables') { for (const f of rest) process.stdout.write(`${report(resultOfFile(f))}\n\n`); return; }
  const list: Experiment[] = what === 'all' ? ['rhm', 'grok'] : what === 'rhm' || what === 'grok' ? [what] : [];
  if (!list.length) throw new Error(`expected rhm, grok, all, config or tables, got ${what}`);
  const backend = opt('--backend') ?? 'cpu';
  if (backend !== 'cpu' && backend !== 'gpu') throw new Error(`--backend: expected cpu or gpu, got ${backend}`);
  const seedsText = opt('--seeds');
  const seeds = seedsText === undefined ? undefined : Number(seedsText);
  if (seeds !== undefined && !(Number.isInteger(seeds) && seeds >= 1)) throw new Error(`--seeds: expected a positive integer, got ${seedsText}`);
  const dir = opt('--dir') ?? 'out/mlp-experiments';
  for (const e of list) process.stdout.write(`${report(await runPreset(EXPERIMENTS[e], dir, backend, seeds))}\n\n`);
}

if (process.argv[1]?.endsWith('mlpExperiments.ts')) {
  main(process.argv.slice(2)).then(() => process.exit(0), (e: unknown) => { process.stderr.write(`${(e as Error).message}\n`); process.exit(2); });
}
