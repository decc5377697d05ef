/**
 * Issue 10: the presets reproduce their figures' settings. relu2 Fig. 1a against the authors' plot_fig1a
 * notebook (docs/theory.md §3: d = 2, m = 50, n = 20, m₀ = 3, one seed, fixed η = 1e-4, 10⁶ steps, the four
 * settings); the single-neuron first load against Fig. 2 (docs/theory.md §1.6: δ ∈ {−4, −2, −1, 0, 1, 2, 4}
 * from β₀ = (−1, 0) to β* = (0, 1)), checked on the built ensemble in f64. Also the time series' choice of
 * curves (defect 8) and the recorder's cadence.
 */
import { describe, expect, it } from 'vitest';
import { defaults, validate } from '../../src/params/schema.ts';
import { RELU2_PRESETS, RELU2_SCHEMA } from '../../src/models/relu2/params.ts';
import { relu2ConfigFromParams } from '../../src/models/relu2/appConfig.ts';
import { FIG1A_AXES, paperAxes } from '../../src/models/relu2/app/cellsView.ts';
import { scaleLabelPlacement } from '../../src/views/neuronPortrait.ts';
import { FIG2_DELTAS, firstLoadParams, paramsFromHash, PRESETS, SINGLE_NEURON_SCHEMA } from '../../src/models/singleNeuron/params.ts';
import { buildEnsemble, initialDirections } from '../../src/models/singleNeuron/ensemble.ts';
import { fig2Trajectories, formatDelta } from '../../src/models/singleNeuron/app/featured.ts';
import { spreadOverDelta } from '../../src/models/singleNeuron/app/panels.ts';
import { recordGap } from '../../src/models/singleNeuron/app/analysis.ts';
import { RECORDER } from '../../src/models/singleNeuron/layout.ts';
import { buildData } from '../../src/models/singleNeuron/ensemble.ts';
import { exactSingleNeuronGeneral, kernelDistance, ntkMatrix } from '../../src/theory/index.ts';

const relu2 = (name: keyof typeof RELU2_PRESETS) => validate(RELU2_SCHEMA, { ...RELU2_PRESETS[name], preset: name }, defaults(RELU2_SCHEMA));

describe('relu2 Fig. 1a preset = the authors\' plot_fig1a settings (defect 10)', () => {
  it('fig1a: fixed η = 1e-4 for 10⁶ steps, d = 2, m = 50, n = 20, m₀ = 3, one seed, the four settings', () => {
    const c = relu2ConfigFromParams(relu2('fig1a'), null);
    expect(c.learningRate).toEqual({ base: 1e-4, scaleByTauSquared: false });
    expect(c.checkpoints[0]).toBe(0);
    expect(c.checkpoints[c.checkpoints.length - 1]).toBe(1_000_000);
    expect({ m: c.m, d: c.d, n: c.n, slope: c.slope }).toEqual({ m: 50, d: 2, n: 20, slope: 0 });
    expect(c.data).toMatchObject({ kind: 'teacher', teacher: { d: 2, n: 20, m0: 3 } });
    expect(c.init).toEqual({
      kind: 'points', m: 50, seeds: [0],
      points: [{ tau: 0.1, delta: 0 }, { tau: 2, delta: 0 }, { tau: 0.1, alpha: 10 }, { tau: 0.1, alpha: 0.1 }],
    });
    expect(c.networks).toBe(4);
  });

  it('fig1a-quick: the same networks and training time η·T = 100 in a tenth of the steps', () => {
    const paper = relu2ConfigFromParams(relu2('fig1a'), null);
    const quick = relu2ConfigFromParams(relu2('fig1a-quick'), null);
    expect({ ...quick, learningRate: null, checkpoints: null }).toEqual({ ...paper, learningRate: null, checkpoints: null });
    const time = (c: typeof paper) => (c.learningRate as { base: number }).base * c.checkpoints[c.checkpoints.length - 1];
    expect(time(paper)).toBeCloseTo(100, 9);
    expect(time(quick)).toBeCloseTo(100, 9);
    expect(quick.checkpoints[quick.checkpoints.length - 1]).toBe(100_000);
    expect((quick.learningRate as { scaleByTauSquared: boolean }).scaleByTauSquared).toBe(false);
  });

  it('the portraits use the paper\'s axes (±0.2 at τ = 0.1, ±5 at τ = 2) for the presets only', () => {
    expect(FIG1A_AXES).toEqual({ 0.1: 0.2, 2: 5 });
    expect(paperAxes(relu2('fig1a'))).toBe(true);
    expect(paperAxes(relu2('fig1a-quick'))).toBe(true);
    expect(paperAxes({ ...relu2('fig1a'), preset: 'custom' })).toBe(false);
  });
});

describe('relu2 portrait scale label (issue 10, newcomer report)', () => {
  it('stays inside the plot: right of the grid line when it fits, else left of it, right-aligned', () => {
    expect(scaleLabelPlacement(100, 30, 200)).toEqual({ x: 102, align: 'left' });
    // A 0.2 label at the last line 10 px from the right edge would be clipped: it goes left of the line.
    expect(scaleLabelPlacement(190, 20, 200)).toEqual({ x: 188, align: 'right' });
  });
});

describe('single-neuron first load = Fig. 2', () => {
  for (const [name, p] of [
    ['fig2 preset (GPU first load)', validate(SINGLE_NEURON_SCHEMA, { ...PRESETS.fig2, preset: 'fig2' }, defaults(SINGLE_NEURON_SCHEMA))],
    ['software first load', firstLoadParams(true)],
    ['hardware first load', firstLoadParams(false)],
  ] as const) {
    it(`${name}: the seven trajectories start at β₀ = (−1, 0) with the paper's δ; no β₀ = −β*`, () => {
      expect(p.preset).toBe('fig2');
      const e = buildEnsemble(p);
      const seven = fig2Trajectories(p);
      expect(seven).toHaveLength(7);
      seven.forEach((i, k) => {
        const a = e.state0[i], w = [e.state0[e.n + i], e.state0[2 * e.n + i]];
        expect(a * w[0]).toBeCloseTo(-1, 12);
        expect(a * w[1]).toBeCloseTo(0, 12);
        expect(e.delta0[i]).toBeCloseTo(FIG2_DELTAS[k], 9);
      });
      expect(e.betaOls).toEqual([0, 1]);
      // β₀ = −β* with δ = 0 would sit at the saddle a = w = 0 forever: no direction may be (0, −1).
      expect(initialDirections(2, p.directions, p.seed).some(([x, y]) => Math.abs(x) < 1e-9 && Math.abs(y + 1) < 1e-9)).toBe(false);
    });
  }

  it('the software first load is small (≤ 4,096) and the GPU one ≥ 262,144 trajectories', () => {
    const size = (p: ReturnType<typeof firstLoadParams>) => p.deltaCount * p.directions;
    expect(size(firstLoadParams(true))).toBeLessThanOrEqual(4096);
    expect(size(firstLoadParams(false))).toBeGreaterThanOrEqual(262_144);
  });

  it('Fig. 8 on the tour\'s software grid (33 δ over [−2, 2]) features the five Fig. 2 δ in its range, from β₀ = (−1, 0)', () => {
    const p = paramsFromHash('#v=1&p=fig8&dn=33&dirs=66');
    const e = buildEnsemble(p);
    const five = fig2Trajectories(p);
    expect(Array.from(five, (i) => Number(e.delta0[i].toFixed(9)))).toEqual([-2, -1, 0, 1, 2]);
    five.forEach((i) => expect(e.state0[i] * e.state0[e.n + i]).toBeCloseTo(-1, 12));
    expect(fig2Trajectories(paramsFromHash('#v=1&p=fig8'))).toHaveLength(0); // 512 δ: 0 and ±1 are not on the grid
  });

  it('grids without all seven Fig. 2 trajectories feature none (even δ count: only ±4 on the grid; τ × α grid; d = 3)', () => {
    const base = firstLoadParams(false);
    expect(fig2Trajectories({ ...base, deltaCount: 32 })).toHaveLength(0);
    expect(fig2Trajectories({ ...base, grid: 'tauAlpha' })).toHaveLength(0);
    expect(fig2Trajectories({ ...base, d: 3 })).toHaveLength(0);
    expect(formatDelta(-4)).toBe('−4');
    expect(formatDelta(0.25)).toBe('0.25');
  });
});

describe('time series (defect 8)', () => {
  it('spreadOverDelta keeps all up to max, else max evenly over δ with both ends, ascending', () => {
    expect(spreadOverDelta([3, 1, 2], 12)).toEqual([1, 2, 0]);
    const deltas = Array.from({ length: 40 }, (_, i) => -4 + 0.2 * i);
    const picked = spreadOverDelta(deltas, 12).map((k) => deltas[k]);
    expect(picked).toHaveLength(12);
    expect(picked[0]).toBeCloseTo(-4, 12);
    expect(picked[11]).toBeCloseTo(3.8, 12);
    for (let k = 1; k < 12; k++) expect(picked[k]).toBeGreaterThan(picked[k - 1]);
  });

  it('the recorder\'s cadence keeps t = 0 in the 512-slot ring until t ≥ 800', () => {
    let t = 0, samples = 1;
    while (t < 800) { t += recordGap(t); samples++; }
    expect(samples).toBeLessThanOrEqual(RECORDER.slots);
    expect(recordGap(0)).toBe(0.05);
  });
});

describe('docs/theory.md §1.7: S(t) against the authors\' notebook formula', () => {
  it('δ = −4 from β₀ = (−1, 0) at t = 1: S = 0.0055 (§1.2), the notebook\'s denom2 with a₀ gives 0.059', () => {
    const p = firstLoadParams(false);
    const e = buildEnsemble({ ...p, deltaCount: 9, directions: 2 });
    const i = 0; // δ = −4, direction (−1, 0)
    expect(e.delta0[i]).toBeCloseTo(-4, 12);
    const a0 = e.state0[i], w0 = [e.state0[e.n + i], e.state0[2 * e.n + i]];
    const { a, w } = exactSingleNeuronGeneral(a0, w0, buildData(p), e.rates, 1);
    expect(kernelDistance(ntkMatrix(a0, w0, e.rates), ntkMatrix(a, w, e.rates), e.data.XX)).toBeCloseTo(0.00548, 5);
    const n0 = Math.hypot(...w0), nt = w[0] ** 2 + w[1] ** 2;
    const numer = 2 * a0 ** 2 * a ** 2 + a0 ** 2 * nt + a ** 2 * n0 ** 2 + (w0[0] * w[0] + w0[1] * w[1]) ** 2;
    const notebook = 1 - numer / (Math.sqrt(2 * a0 ** 4 + 2 * a0 ** 2 * n0 ** 2 + n0 ** 4) * Math.sqrt(2 * a ** 4 + 2 * a0 ** 2 * nt + nt ** 2));
    expect(notebook).toBeCloseTo(0.0591, 4);
  });
});
