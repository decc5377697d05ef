/**
 * The output schema of one linear2 network entry (run.ts Linear2NetworkOutput), checked by `lazyrich merge` and a
 * resumed `sweep` on every line of every shard (src/models/plugin.ts SweepSupport.checkEntry), so damaged content that is
 * still valid JSON (a string for a number, a cut series, singular values out of order) is refused, naming file and line.
 */

const SERIES = ['loss', 'deltaDrift', 'kernelDistance'] as const;
const KEYS: readonly string[] = ['beta', 'singularValues', ...SERIES, 'W', 'A', 'diverged', 'init', 'delta', 'tau', 'seed', 'unitDeltas'];
const INITS = ['exact', 'gaussian', 'explicit'];

const show = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
};

/**
 * A finite number; null (JSON's NaN / ±Infinity) only when `nullOk` (a diverged network), else the problem at `path`.
 */
function num(v: unknown, path: string, nullOk: boolean): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return undefined;
  if (v === null && nullOk) return undefined;
  return `${path}: expected a finite number${nullOk ? ' or null' : ' (the network did not diverge)'}, got ${show(v)}`;
}

/** An array of `length` values each checked by `each`, else the problem. */
function list(v: unknown, path: string, length: number, what: string, each: (x: unknown, p: string) => string | undefined): string | undefined {
  if (!Array.isArray(v)) return `${path}: expected an array, got ${show(v)}`;
  if (v.length !== length) return `${path}: expected ${length} ${what}, got ${v.length}`;
  for (let k = 0; k < v.length; k++) {
    const problem = each(v[k], `${path}[${k}]`);
    if (problem) return problem;
  }
  return undefined;
}

/** A rows × cols matrix of numbers (null entries only when nullOk). */
function matrix(v: unknown, path: string, rows: number, cols: number, nullOk: boolean): string | undefined {
  return list(v, path, rows, 'rows', (row, p) => list(row, p, cols, 'entries', (x, q) => num(x, q, nullOk)));
}

/**
 * Checks one linear2 entry (without the sweep's `index`) against the output schema: known fields only; with T = the
 * header's `times`.length, d×c from beta[0]: beta T×d×c, singularValues T×min(d, c), each ≥ 0 and descending, loss,
 * deltaDrift, kernelDistance T numbers; W h×d and A h×c (null for the header's method beta-flow); every value finite
 * unless the entry is diverged (then null, JSON's NaN, is allowed); diverged a boolean; init exact | gaussian | explicit;
 * delta a number or null; tau, seed numbers; unitDeltas h numbers.
 * @param header the shard's model fields (`times`, `method`).
 * @returns the first problem, e.g. `singularValues[2]: not descending (0.5 after 0.25)`, or undefined.
 */
export function checkLinear2Entry(entry: Record<string, unknown>, header: Record<string, unknown>): string | undefined {
  for (const key of Object.keys(entry)) if (!KEYS.includes(key)) return `unknown field "${key}"`;
  const missing = ['beta', 'singularValues', ...SERIES, 'W', 'A', 'diverged', 'init', 'delta'].find((key) => !(key in entry));
  if (missing) return `missing field "${missing}"`;
  if (typeof entry.diverged !== 'boolean') return `diverged: expected true or false, got ${show(entry.diverged)}`;
  const nullOk = entry.diverged;
  const T = Array.isArray(header.times) ? header.times.length : -1;
  if (T < 1) return `the header has no times (got ${show(header.times)})`;
  const beta = entry.beta;
  if (!Array.isArray(beta) || !Array.isArray(beta[0]) || !Array.isArray(beta[0][0])) return `beta: expected T × d × c numbers, got ${show(beta)}`;
  const d = beta[0].length, c = (beta[0][0] as unknown[]).length, r = Math.min(d, c);
  if (d < 1 || c < 1) return `beta[0]: expected a d×c matrix with d, c ≥ 1, got ${show(beta[0])}`;
  const problem = list(beta, 'beta', T, 'matrices (one per time)', (b, p) => matrix(b, p, d, c, nullOk))
    ?? list(entry.singularValues, 'singularValues', T, 'lists (one per time)', (s, p) => list(s, p, r, 'values (min(d, c))', (x, q) => num(x, q, nullOk)))
    ?? SERIES.map((key) => list(entry[key], key, T, 'values (one per time)', (x, p) => num(x, p, nullOk))).find((x) => x !== undefined);
  if (problem) return problem;
  for (let t = 0; t < T; t++) {
    const s = (entry.singularValues as (number | null)[][])[t];
    for (let k = 0; k < r; k++) {
      const x = s[k];
      if (x === null) continue;
      if (x < 0) return `singularValues[${t}][${k}]: expected ≥ 0, got ${x}`;
      const prev = k > 0 ? s[k - 1] : null;
      if (prev !== null && x > prev) return `singularValues[${t}][${k}]: not descending (${x} after ${prev})`;
    }
  }
  if (header.method === 'beta-flow') {
    if (entry.W !== null || entry.A !== null) return `W, A: expected null for beta-flow (β does not determine them), got ${show(entry.W)}`;
  } else {
    const h = Array.isArray(entry.W) ? entry.W.length : -1;
    if (h < 1) return `W: expected an h×d matrix, got ${show(entry.W)}`;
    const wa = matrix(entry.W, 'W', h, d, nullOk) ?? matrix(entry.A, 'A', h, c, nullOk);
    if (wa) return wa;
  }
  if (typeof entry.init !== 'string' || !INITS.includes(entry.init)) return `init: expected one of ${INITS.join(', ')}, got ${show(entry.init)}`;
  if (entry.delta !== null && !(typeof entry.delta === 'number' && Number.isFinite(entry.delta))) return `delta: expected a finite number or null, got ${show(entry.delta)}`;
  for (const key of ['tau', 'seed'] as const) {
    if (key in entry && !(typeof entry[key] === 'number' && Number.isFinite(entry[key]))) return `${key}: expected a finite number, got ${show(entry[key])}`;
  }
  if ('unitDeltas' in entry) {
    const u = entry.unitDeltas;
    const h = Array.isArray(entry.W) ? entry.W.length : Array.isArray(u) ? u.length : 0;
    const p = list(u, 'unitDeltas', h, 'values (one per hidden unit)', (x, q) => num(x, q, false));
    if (p) return p;
  }
  return undefined;
}
