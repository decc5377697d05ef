/**
 * Parsing hardening (issue 11, defect 7): deep nesting refused by name instead of a stack overflow, a UTF-8
 * byte-order mark accepted, the config's "model" checked first and named, only plain decimal or scientific
 * numbers in the URL hash and the relu2 CSV, a step that is 0 in float32 refused, text quoted in messages.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_BAD_INPUT, main } from '../../src/cli/main.ts';
import { MAX_JSON_DEPTH, parseJson } from '../../src/cli/validate.ts';
import { MODEL_IDS } from '../../src/models/registry.ts';
import { paramsFromHash } from '../../src/models/singleNeuron/params.ts';
import { CsvDataError, parseDataCsv } from '../../src/models/relu2/app/csv.ts';
import { ParamError } from '../../src/params/schema.ts';
import { capture } from '../helpers/cliCapture.ts';

const dir = mkdtempSync(join(tmpdir(), 'lazyrich-parse-'));

async function simulate(name: string, text: string): Promise<{ code: number; out: string; err: string }> {
  const path = join(dir, name);
  writeFileSync(path, text);
  const c = capture();
  const code = await main(['node', 'lazyrich', 'simulate', path], c.io);
  return { code, out: c.out(), err: c.err() };
}

const SINGLE = {
  model: 'single-neuron', data: { XX: [[1, 0], [0, 1]], Xy: [0.5, 0.5] }, learningRates: { a: 1, w: 1 },
  init: { explicit: [{ a: 0.3, w: [0.1, -0.2] }] }, method: 'rk4', step: 0.05, times: [0, 0.5], backend: 'cpu',
};
const RELU2 = {
  model: 'relu2', data: { teacher: { seed: 0, d: 3, n: 16, m0: 3 } }, learningRate: 0.02, checkpoints: [0, 10], backend: 'cpu',
  init: { explicit: [{ W: [[1, 0, 0], [0, 1, 0]], a: [1.5, 1] }] },
};
const IDS = MODEL_IDS.map((id) => `"${id}"`).join(', ');

describe('config nesting and encoding', () => {
  it.each([5000, 100_000])('a value nested %i deep: exit 2 and one line naming the limit, no stack overflow', async (depth) => {
    const deep = `${'['.repeat(depth)}1${']'.repeat(depth)}`;
    const r = await simulate(`deep-${depth}.json`, `{"model":"relu2","data":{"X":${deep},"y":[1]}}`);
    expect(r.code).toBe(EXIT_BAD_INPUT);
    expect(r.out).toBe('');
    expect(r.err).toMatch(new RegExp(`^lazyrich: config: nested more than ${MAX_JSON_DEPTH} levels deep \\(at character \\d+\\)`));
    expect(r.err).not.toMatch(/call stack/);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  });

  it('brackets inside strings do not count as nesting', () => {
    expect(parseJson(JSON.stringify({ s: '['.repeat(1000) + '\\"{' }))).toEqual({ s: `${'['.repeat(1000)}\\"{` });
    expect(() => parseJson(`${'{"a":'.repeat(MAX_JSON_DEPTH + 1)}1${'}'.repeat(MAX_JSON_DEPTH + 1)}`)).toThrow(/^config: nested more than/);
    expect(parseJson(`${'['.repeat(MAX_JSON_DEPTH)}1${']'.repeat(MAX_JSON_DEPTH)}`)).toBeDefined();
  });

  it('a UTF-8 byte-order mark before the config is accepted (exit 0)', async () => {
    const r = await simulate('bom.json', `\ufeff${JSON.stringify(SINGLE)}`);
    expect(r.err).not.toMatch(/lazyrich:/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ model: 'single-neuron' });
  });
});

describe('the config\'s "model" is checked first and named', () => {
  const { model: _m, ...relu2NoModel } = RELU2;
  it.each([
    ['missing', relu2NoModel, /^lazyrich: config\.model: missing required field \(supported: (.*)\)\n$/],
    ['misspelt key', { modle: 'relu2', ...relu2NoModel }, /^lazyrich: config\.model: missing required field \(supported: (.*)\); found "modle" instead: did you mean "model"\?\n$/],
    ['a number', { ...RELU2, model: 2 }, /^lazyrich: config\.model: expected a model id \(a string\), got 2 \(supported: (.*)\)\n$/],
    ['an object', { ...RELU2, model: { id: 'relu2' } }, /^lazyrich: config\.model: expected a model id \(a string\), got an object \(supported: (.*)\)\n$/],
    ['misspelt value', { ...RELU2, model: 'relu-2' }, /^lazyrich: config\.model: unknown model "relu-2" \(supported: (.*)\)\n$/],
  ])('%s: exit 2, config.model and the registered ids', async (name, config, pattern) => {
    const r = await simulate(`model-${name.replace(/\W+/g, '-')}.json`, JSON.stringify(config));
    expect(r.code).toBe(EXIT_BAD_INPUT);
    const m = pattern.exec(r.err);
    expect(m, r.err).not.toBeNull();
    expect(m![1]).toBe(IDS);
  });
});

describe('URL hash numbers', () => {
  it.each(['0x10', '+2', '.2e1', '1.', 'Infinity', '1e', ' 2', '2 ', '0b1', '1_000'])('h=%s is refused, quoting the text', (text) => {
    expect(() => paramsFromHash(`#v=1&h=${encodeURIComponent(text)}`)).toThrow(ParamError);
    expect(() => paramsFromHash(`#v=1&h=${encodeURIComponent(text)}`)).toThrow(`got "${text}"`);
  });

  it('text is reported as text, not NaN (numbers and vectors)', () => {
    expect(() => paramsFromHash('#v=1&h=abc')).toThrow(/got "abc"/);
    expect(() => paramsFromHash('#v=1&h=abc')).not.toThrow(/NaN/);
    expect(() => paramsFromHash('#v=1&xy=1,abc')).toThrow(/got "1,abc"/);
    expect(paramsFromHash('#v=1&xy=-0.5,1e-3').target).toEqual([-0.5, 1e-3]);
  });

  it.each([['2', 2], ['0.25', 0.25], ['1e-3', 1e-3], ['1.5E+0', 1.5], ['5e-1', 0.5]])('h=%s is read as %d', (text, value) => {
    const p = paramsFromHash(`#v=1&h=${text}`);
    expect(p.step).toBe(value);
  });

  it('a step that is 0 in float32 (h=5e-324, 1e-46) is refused naming the field', () => {
    for (const h of ['5e-324', '1e-46']) {
      expect(() => paramsFromHash(`#v=1&h=${h}`)).toThrow(ParamError);
      expect(() => paramsFromHash(`#v=1&h=${h}`)).toThrow(/\(step\).*float32; got .*, which is 0 in float32/);
    }
    expect(paramsFromHash('#v=1&h=1e-30').step).toBe(1e-30);
  });
});

describe('relu2 CSV numbers', () => {
  it.each(['0x10', '+2', '.2e1', 'Infinity', '1.'])('a cell "%s" is refused, naming row and column', (cell) => {
    expect(() => parseDataCsv(`x1,y\n1,0\n${cell},1\n`, 'data.csv')).toThrow(CsvDataError);
    expect(() => parseDataCsv(`x1,y\n1,0\n${cell},1\n`, 'data.csv')).toThrow(`data.csv, row 3, column x1: "${cell}" is not a finite number.`);
  });

  it('plain decimal and scientific cells are read', () => {
    const csv = parseDataCsv('x1,y\n-1.5e-3,2\n0.25,3E2\n');
    expect([...csv.X, ...csv.y]).toEqual([-1.5e-3, 0.25, 2, 300]);
  });
});

describe('config numbers that are 0 in float32', () => {
  it.each([
    ['step', { ...SINGLE, step: 5e-324, times: [0] }, /^lazyrich: config\.step: expected a number > 0 in float32 \(≥ 1\.4e-45\), got 5e-324, which is 0 in float32\n$/],
    ['learningRates.a', { ...SINGLE, learningRates: { a: 1e-320, w: 1 } }, /^lazyrich: config\.learningRates\.a: expected a number > 0 in float32/],
  ])('single-neuron %s = tiny: exit 2 naming the field', async (name, config, pattern) => {
    const r = await simulate(`f32-${name}.json`, JSON.stringify(config));
    expect(r.code).toBe(EXIT_BAD_INPUT);
    expect(r.err).toMatch(pattern);
  });
});
