/**
 * Seeded mutation of JSON configs and text for the fuzz tests (tests/unit/configFuzz.test.ts, issue 11
 * "measure and keep measuring"). The generator is the project's seeded xoroshiro128+ (src/models/random.ts),
 * so a failing case is reproduced from its seed and index.
 */
import { createRng } from '../../src/models/random.ts';

/** A seeded chooser: integers, picks and coin flips from one stream. */
export class Chooser {
  private readonly rng;
  constructor(seed: number) { this.rng = createRng(seed); }
  /** An integer in [0, n). */
  int(n: number): number { return Math.min(n - 1, Math.floor(this.rng.uniform() * n)); }
  /** One element of a non-empty list. */
  pick<T>(list: readonly T[]): T { return list[this.int(list.length)]; }
  /** True with probability p. */
  chance(p: number): boolean { return this.rng.uniform() < p; }
}

/** A JSON path as keys and indices, e.g. ['init', 'grid', 'tau', 0]. */
export type JsonPath = (string | number)[];

/**
 * A value written into the JSON text verbatim (JSON.stringify cannot write 1e999, NaN, -0 or 0x10).
 * {@link toText} replaces the quoted marker by the raw text.
 */
export const raw = (text: string): string => `@@RAW@@${text}@@`;

/** Serialises a mutated value, replacing {@link raw} markers by their text. */
export function toText(value: unknown): string {
  return JSON.stringify(value).replace(/"@@RAW@@(.*?)@@"/g, '$1');
}

/** Number texts that are not plain JSON numbers, or are extreme: refusal or exact handling expected. */
export const RAW_NUMBERS = ['NaN', 'Infinity', '-Infinity', '1e999', '-1e999', '1e308', '-1e308', '-0', '5e-324', '1e-320',
  '0x10', '+2', '.2e1', '1.', '01', '4294967297', '9007199254740993', '1e-45', '3.5e38'] as const;

/** Values of every JSON type, including text that looks like a number and script text. */
export const ODD_VALUES: readonly unknown[] = [0, -1, 1.5, 2 ** 31, 2 ** 53, 1e12, 1e9 + 1, -0.5, 'text', '', '1', '0x10', '+2', '.2e1',
  'NaN', 'Infinity', true, false, null, [], {}, [1], [[1]], { a: 1 }, '\u202e', '<img src=x onerror=alert(1)>', '\ufeff1'];

/** Values at and just past the limits the models state (m 256, d 128, n 65,536, networks 2²⁰, steps 1e9, seeds 2³¹). */
export const LIMIT_PROBES = [8, 9, 32, 33, 128, 129, 256, 257, 4096, 4097, 65_536, 65_537, 100_000, 100_001, 2 ** 20, 2 ** 20 + 1,
  1e6, 1e9, 1e9 + 1, 2 ** 31 - 1, 2 ** 31, 2 ** 53 - 1] as const;

/** Paths in a JSON value (containers and leaves, root excluded); of a long array only the first 8 elements. */
export function paths(v: unknown, at: JsonPath = [], out: JsonPath[] = []): JsonPath[] {
  if (Array.isArray(v)) {
    for (let i = 0; i < Math.min(v.length, 8); i++) { out.push([...at, i]); paths(v[i], [...at, i], out); }
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) { out.push([...at, k]); paths(x, [...at, k], out); }
  }
  return out;
}

/** The value at `path`, or undefined. */
export function getAt(v: unknown, path: JsonPath): unknown {
  return path.reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), v);
}

function setAt(root: unknown, path: JsonPath, value: unknown, remove = false): void {
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  const key = path[path.length - 1];
  if (remove) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else parent[key] = value;
}

/** Nested arrays `depth` deep around 1, as text (deep nesting must be refused, not overflow the stack). */
export const deepText = (depth: number): string => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

/** One mutation applied to a clone of `base`; `what` describes it for failure messages. */
export interface Mutated { text: string; what: string; path: JsonPath }

const MODEL_VALUES: readonly unknown[] = [undefined, 'Model', 'relu 2', 'RELU2', 'single_neuron', 'linear-2', '', 1, null, [], {}, ['relu2'],
  'single-neuron', 'relu2', 'linear2', '<script>alert(1)</script>'];

/**
 * Applies 1 or 2 random mutations to a clone of `base`: a value replaced (odd value, raw number, a type swap,
 * a huge array, deep nesting), a key removed or added (unknown or misspelt), `model` changed, a number
 * scaled to extremes; then possibly a text-level change (a BOM, trailing garbage, truncation).
 */
export function mutate(c: Chooser, base: Record<string, unknown>): Mutated {
  const v = structuredClone(base) as Record<string, unknown>;
  const notes: string[] = [];
  let last: JsonPath = [];
  let huge = false;
  const count = c.chance(0.7) ? 1 : 2;
  for (let k = 0; k < count; k++) {
    const all = paths(v);
    const path = all.length ? c.pick(all) : ['model'];
    last = path;
    const old = getAt(v, path);
    const kind = c.int(12);
    const p = path.join('.');
    switch (kind) {
      case 0: { const x = c.pick(ODD_VALUES); setAt(v, path, structuredClone(x)); notes.push(`${p} = ${JSON.stringify(x)}`); break; }
      case 1: { const x = c.pick(RAW_NUMBERS); setAt(v, path, raw(x)); notes.push(`${p} = ${x}`); break; }
      case 2: // type swap
        if (typeof old === 'number') { setAt(v, path, String(old)); notes.push(`${p} as string`); }
        else if (typeof old === 'string') { setAt(v, path, old.length); notes.push(`${p} as number`); }
        else if (Array.isArray(old)) { setAt(v, path, Object.fromEntries(old.map((x, i) => [i, x]))); notes.push(`${p} as object`); }
        else { setAt(v, path, [old]); notes.push(`${p} wrapped in an array`); }
        break;
      case 3: { // huge array (one per case; rows of at most 8 numbers, so the text stays below ~20 MB)
        if (huge) break;
        huge = true;
        const small = (x: unknown) => typeof x !== 'object' || x === null || (Array.isArray(x) && x.length <= 8 && x.every((y) => typeof y !== 'object'));
        const fill = Array.isArray(old) && old.length && small(old[0]) ? old[0] : typeof old === 'number' ? old : 1;
        const n = Array.isArray(fill) ? c.pick([1000, 100_000]) : c.pick([1000, 100_000, 1_000_000]);
        setAt(v, path, new Array(n).fill(fill)); notes.push(`${p} = ${n} × ${JSON.stringify(fill)}`); break;
      }
      case 4: { const d = c.pick([70, 4000, 100_000]); setAt(v, path, raw(deepText(d))); notes.push(`${p} nested ${d} deep`); break; }
      case 5: if (path.length > 0 && typeof path[path.length - 1] === 'string') { setAt(v, path, undefined, true); notes.push(`${p} removed`); } break;
      case 6: { // unknown or misspelt key beside it
        const key = String(path[path.length - 1]);
        const parentPath = path.slice(0, -1);
        const parent = getAt(v, parentPath);
        if (parent !== null && typeof parent === 'object' && !Array.isArray(parent)) {
          const typo = c.chance(0.5) ? `${key}s` : c.pick(['__proto__', 'constructor', 'x', key.toUpperCase()]);
          (parent as Record<string, unknown>)[typo] = old; notes.push(`added ${[...parentPath, typo].join('.')}`);
        }
        break;
      }
      case 7: { const m = c.pick(MODEL_VALUES); if (m === undefined) delete v.model; else v.model = m; notes.push(`model = ${JSON.stringify(m)}`); last = ['model']; break; }
      case 8: if (typeof old === 'number') {
        const x = c.pick([1e300, 1e-300, -1, 1e6, 2 ** 20, 2 ** 30, 0]); setAt(v, path, old === 0 ? x : old * x); notes.push(`${p} scaled by ${x}`);
      } break;
      case 9: if (c.chance(0.5)) { v.model = c.pick(['model', 'modle', 'models']); notes.push('model misspelt as a value'); } else {
        const m = v.model; delete v.model; v[c.pick(['Model', 'modle', 'mdoel', 'models'])] = m; notes.push('model key misspelt'); last = ['model'];
      } break;
      case 10: { // a value at or just past a limit (sizes, counts, steps, seeds)
        const x = c.pick(LIMIT_PROBES); setAt(v, path, x); notes.push(`${p} = ${x}`); break;
      }
      default: { const x = c.pick(ODD_VALUES); setAt(v, path, structuredClone(x)); notes.push(`${p} = ${JSON.stringify(x)}`); }
    }
  }
  let text = toText(v);
  const t = c.int(10);
  if (t === 0) { text = `\ufeff${text}`; notes.push('BOM'); }
  else if (t === 1) { text = text.slice(0, c.int(text.length)); notes.push('truncated'); }
  else if (t === 2) { text = `${text} x`; notes.push('trailing garbage'); }
  else if (t === 3) { text = text.replace(/\d+(\.\d+)?/, c.pick(['0x10', '+2', '.2e1', '1e999', '- 1'])); notes.push('a number rewritten in the text'); }
  return { text, what: notes.join('; '), path: last };
}
