/** The linear2 plugin's CLI half (config parsing and the CPU f64 backend) and its conformance examples. */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/cli/validate.ts';
import { findModel } from '../../src/models/registry.ts';
import { linear2Plugin } from '../../src/models/linear2/plugin.ts';
import { parseLinear2Config } from '../../src/models/linear2/config.ts';
import type { Linear2NetworkOutput } from '../../src/models/linear2/run.ts';
import { ParamError, defaults, validate } from '../../src/params/schema.ts';
import { betaOfState, integrateLinear2Flow, packLinear2State, scalarDelta } from '../../src/theory/linear2.ts';

const ex = linear2Plugin.examples;

async function runCpu(raw: Record<string, unknown>): Promise<{ header: Record<string, unknown>; nets: Linear2NetworkOutput[] }> {
  const cli = await linear2Plugin.loadCli();
  const doc = await cli.simulate(cli.parseConfig(raw), { backend: 'cpu' });
  return { header: doc.header, nets: [...(doc.entries as Iterable<Linear2NetworkOutput>)] };
}

describe('linear2 plugin', () => {
  it('is registered', () => { expect(findModel('linear2')).toBe(linear2Plugin); });
  it('refuses each bad config naming the JSON path', () => {
    for (const [path, patch] of ex.badConfigs) {
      let err: unknown;
      try { parseLinear2Config({ ...ex.tiny, ...patch }); } catch (e) { err = e; }
      expect(err, path).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message.startsWith(path), `${(err as Error).message} should start with ${path}`).toBe(true);
    }
  });
  it('refuses each bad app parameter naming the field', () => {
    const base = defaults(linear2Plugin.schema);
    for (const [field, value] of ex.badParams) {
      expect(() => validate(linear2Plugin.schema, { [field]: value }, base), field).toThrow(ParamError);
    }
  });
  it('has an app half (src/models/linear2/app/, issue 13 item 2): the header lists it', () => {
    expect(linear2Plugin.loadApp).toBeTypeOf('function');
  });
});

describe('linear2 simulate on the CPU (f64)', () => {
  it('tiny: 3 δ × 1 τ × 2 seeds, exact Δ = δI inits, output shapes and time-0 values', async () => {
    const { header, nets } = await runCpu(ex.tiny);
    expect(header).toMatchObject({ model: 'linear2', method: 'rk4', backend: 'cpu', adapter: 'cpu (f64 reference)', times: [0, 0.1, 0.5] });
    expect(nets.length).toBe(6);
    expect(nets.map((n) => n.delta)).toEqual([-1, -1, 0, 0, 1, 1]);
    for (const n of nets) {
      expect(n.init).toBe('exact');
      expect(n.beta.length).toBe(3);
      expect(n.beta[0].length).toBe(3);
      expect(n.beta[0][0].length).toBe(2);
      for (const s of n.singularValues) expect(s[0]).toBeGreaterThanOrEqual(s[1]);
      expect(n.kernelDistance[0]).toBe(0);
      expect(n.deltaDrift[2]).toBeLessThan(1e-6); // RK4 (dt = 0.01) does not conserve Δ exactly: measured ≤ 6e-8
      expect(n.loss[2]).toBeLessThan(n.loss[0]);
      expect(n.W!.length).toBe(2);
      expect(n.diverged).toBe(false);
    }
  });
  it('rk4 output equals the DOP853 flow to 1e-7 (dt = 0.01, 50 steps: RK4 error ~dt⁴, measured 1.3e-8)', async () => {
    const cfg = parseLinear2Config(ex.tiny);
    const { nets } = await runCpu(ex.tiny);
    cfg.networks.forEach((n, i) => {
      const ys = integrateLinear2Flow(cfg.quadratic, cfg.rates, 2, packLinear2State(n.W, n.A), [0, 0.1, 0.5]);
      const b = betaOfState(ys[2], 2, 3, 2);
      nets[i].beta[2].flat().forEach((x, p) => expect(Math.abs(x - b[p])).toBeLessThan(1e-7));
    });
  });
  it('diverging example: the flagged networks are the stated ones; frozen states stay in bound', async () => {
    const { nets } = await runCpu(ex.diverging);
    expect(nets.map((n) => n.diverged)).toEqual(ex.divergedEntries);
    for (const x of nets[1].W!.flat()) expect(Math.abs(x)).toBeLessThanOrEqual(1e3);
  });
  it('grid falls back to the Gaussian init where h does not allow Δ = δI, and beta-flow is then refused', () => {
    const raw = { ...ex.tiny, init: { grid: { h: 4, delta: [1, 0], tau: [0.1], seeds: [0] } } };
    const cfg = parseLinear2Config(raw);
    expect(cfg.networks.map((n) => n.init)).toEqual(['gaussian', 'exact']);
    expect(scalarDelta(packLinear2State(cfg.networks[1].W, cfg.networks[1].A), 4, 3, 2, cfg.rates, 1e-9)).toBe(0);
    expect(() => parseLinear2Config({ ...raw, method: 'beta-flow' })).toThrow(/^config\.method: beta-flow needs Δ/);
  });
  it('beta-flow on the CPU matches rk4 on (W, A) for Δ = δI inits with h = c (dt = 1e-3: 1e-9 at t = 0.5)', async () => {
    const raw = { ...ex.tiny, step: 1e-3, init: { grid: { h: 2, delta: [0, 1], tau: [0.5], seeds: [0, 1] } } };
    expect(() => parseLinear2Config({ ...ex.tiny, method: 'beta-flow' })).toThrow(/^config\.method: beta-flow with δ = -1 < 0 needs h = d/);
    const a = await runCpu(raw), b = await runCpu({ ...raw, method: 'beta-flow' });
    a.nets.forEach((n, i) => n.beta[2].flat().forEach((x, p) => expect(Math.abs(x - b.nets[i].beta[2].flat()[p])).toBeLessThan(1e-9)));
    expect(b.nets[0].W).toBeNull();
  });
});

describe('linear2 sweep support', () => {
  it('two ranges give the whole run (CPU, bitwise), and the hash ignores the backend', async () => {
    const cli = await linear2Plugin.loadCli();
    const cfg = cli.parseConfig(ex.tiny);
    const sweep = cli.sweep!;
    expect(sweep.count(cfg)).toBe(6);
    expect(sweep.configHash(cfg)).toBe(sweep.configHash(cli.parseConfig({ ...ex.tiny, backend: 'cpu' })));
    expect(sweep.configHash(cfg)).not.toBe(sweep.configHash(cli.parseConfig({ ...ex.tiny, step: 0.005 })));
    const whole = [...((await cli.simulate(cfg, { backend: 'cpu' })).entries as Iterable<object>)];
    const parts = [
      ...((await sweep.runRange(cfg, 0, 2, { backend: 'cpu' })).entries as Iterable<object>),
      ...((await sweep.runRange(cfg, 2, 6, { backend: 'cpu' })).entries as Iterable<object>),
    ];
    expect(parts).toEqual(whole);
  });
});
