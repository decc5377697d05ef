/**
 * The output schema of one relu2 network entry (run.ts Relu2NetworkOutput), checked by `lazyrich merge` on
 * every line of every shard file, so damaged content that is still valid JSON ("trainLoss": "corrupt", a
 * deleted field) is refused instead of merged.
 */

const SERIES = ['trainLoss', 'hamming', 'paramDistance', 'kernelDistance', 'deltaDrift'] as const;
const LABELS = ['tau', 'delta', 'alpha', 'seed'] as const;
const KEYS: readonly string[] = [...LABELS, 'checkpoints', ...SERIES, 'testLoss', 'W', 'a', 'unitsW', 'unitsA', 'diverged', 'stepsTaken'];

const show = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
};

/** A number or null (JSON's rendering of NaN and ±Infinity), else the problem at `path`. */
function numberOrNull(v: unknown, path: string): string | undefined {
  return v === null || (typeof v === 'number' && Number.isFinite(v)) ? undefined : `${path}: expected a number or null, got ${show(v)}`;
}

/** An array of `length` numbers-or-null (any length when undefined), else the problem at `path`. */
function series(v: unknown, path: string, length?: number): string | undefined {
  if (!Array.isArray(v)) return `${path}: expected an array, got ${show(v)}`;
  if (length !== undefined && v.length !== length) return `${path}: expected ${length} values (one per checkpoint), got ${v.length}`;
  for (let k = 0; k < v.length; k++) {
    const problem = numberOrNull(v[k], `${path}[${k}]`);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Checks one network entry of a relu2 shard (without the sweep's `index`) against the output schema:
 * known fields only; checkpoints equal to the header's; trainLoss, hamming, paramDistance, kernelDistance,
 * deltaDrift (and testLoss when present) arrays of C numbers or null; W an m × d matrix and a m readouts;
 * with `record.units`, unitsW C × m × d and unitsA C × m; diverged a boolean; stepsTaken an integer ≥ 0;
 * the grid labels numbers.
 * @param header the shard's model fields (its `checkpoints`).
 * @returns the first problem, e.g. `trainLoss[1]: expected a number or null, got "corrupt"`, or undefined.
 */
export function checkRelu2Entry(entry: Record<string, unknown>, header: Record<string, unknown>): string | undefined {
  for (const key of Object.keys(entry)) if (!KEYS.includes(key)) return `unknown field "${key}"`;
  const required = ['checkpoints', ...SERIES, 'W', 'a', 'diverged', 'stepsTaken'];
  const missing = required.find((key) => !(key in entry));
  if (missing) return `missing field "${missing}"`;
  const checkpoints = header.checkpoints as unknown[] | undefined;
  if (JSON.stringify(entry.checkpoints) !== JSON.stringify(checkpoints)) return `checkpoints: expected ${show(checkpoints)} (the header's), got ${show(entry.checkpoints)}`;
  const C = Array.isArray(checkpoints) ? checkpoints.length : undefined;
  for (const key of [...SERIES, ...('testLoss' in entry ? ['testLoss'] : [])]) {
    const problem = series(entry[key], key, C);
    if (problem) return problem;
  }
  const a = entry.a, W = entry.W;
  const aProblem = series(a, 'a');
  if (aProblem) return aProblem;
  if (!Array.isArray(W) || W.length !== (a as unknown[]).length) return `W: expected m = ${(a as unknown[]).length} rows (as a), got ${Array.isArray(W) ? W.length : show(W)}`;
  const d = Array.isArray(W[0]) ? W[0].length : -1;
  for (let k = 0; k < W.length; k++) {
    const problem = Array.isArray(W[k]) && W[k].length === d ? series(W[k], `W[${k}]`) : `W[${k}]: expected a row of ${d} numbers, got ${show(W[k])}`;
    if (problem) return problem;
  }
  if ('unitsW' in entry || 'unitsA' in entry) {
    const problem = checkUnits(entry.unitsW, entry.unitsA, C, W.length, d);
    if (problem) return problem;
  }
  if (typeof entry.diverged !== 'boolean') return `diverged: expected true or false, got ${show(entry.diverged)}`;
  if (!(typeof entry.stepsTaken === 'number' && Number.isInteger(entry.stepsTaken) && entry.stepsTaken >= 0)) {
    return `stepsTaken: expected an integer ≥ 0, got ${show(entry.stepsTaken)}`;
  }
  for (const key of LABELS) {
    if (key in entry && !(typeof entry[key] === 'number' && Number.isFinite(entry[key]))) return `${key}: expected a finite number, got ${show(entry[key])}`;
  }
  return undefined;
}

/** Recorded units (run.ts, `record.units`): unitsW C × m × d and unitsA C × m, both present; else the problem. */
function checkUnits(unitsW: unknown, unitsA: unknown, C: number | undefined, m: number, d: number): string | undefined {
  if (!Array.isArray(unitsW) || !Array.isArray(unitsA)) return 'unitsW, unitsA: expected both (arrays, one per checkpoint)';
  if (C !== undefined && (unitsW.length !== C || unitsA.length !== C)) return `unitsW, unitsA: expected ${C} entries (one per checkpoint), got ${unitsW.length} and ${unitsA.length}`;
  for (let c = 0; c < unitsA.length; c++) {
    const aProblem = Array.isArray(unitsA[c]) && unitsA[c].length === m ? series(unitsA[c], `unitsA[${c}]`) : `unitsA[${c}]: expected ${m} readouts`;
    if (aProblem) return aProblem;
    const Wc = unitsW[c];
    if (!Array.isArray(Wc) || Wc.length !== m) return `unitsW[${c}]: expected ${m} rows`;
    for (let k = 0; k < m; k++) {
      const problem = Array.isArray(Wc[k]) && Wc[k].length === d ? series(Wc[k], `unitsW[${c}][${k}]`) : `unitsW[${c}][${k}]: expected a row of ${d} numbers`;
      if (problem) return problem;
    }
  }
  return undefined;
}
