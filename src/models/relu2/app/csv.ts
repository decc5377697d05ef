/**
 * Explicit relu2 data from CSV files (papaparse): a header row naming the columns x1 … xd and y (any
 * order, case-insensitive; lines starting with # are comments; blank lines are skipped), then one sample
 * per row. A second file with the same columns is the optional test set. Every problem is reported with
 * the file, row and column, so a user can fix the file. Pure: no DOM.
 */
import Papa from 'papaparse';
import type { Relu2Data } from '../../../theory/index.ts';
import { RELU2_LIMITS } from '../layout.ts';
import { PLAIN_NUMBER } from '../../../params/schema.ts';

/** A malformed data file; the message names the file and, where it applies, the row and column. */
export class CsvDataError extends Error {
  override name = 'CsvDataError';
}

/** A cell or column name for a one-line message: JSON-quoted (newlines escaped), cut at 40 characters. */
const quoted = (text: string): string => JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);

/** One parsed file: d inputs, n samples, X row-major n×d, y. */
export interface ParsedCsv { d: number; n: number; X: Float64Array; y: Float64Array }

/**
 * Parses one data file.
 * @param file name used in messages.
 * @throws CsvDataError for: an empty file; a header without y or without x columns; an unknown column;
 *   x columns that are not exactly x1 … xd; a duplicate column; a row with too few or too many fields;
 *   a cell that is not a plain finite decimal or scientific number (no hex, "+2", ".5"); no data rows; d or n above the kernel limits.
 */
export function parseDataCsv(text: string, file = 'CSV file'): ParsedCsv {
  if (text.trim() === '') throw new CsvDataError(`${file} is empty: expected a header row "x1,…,xd,y" and one sample per row.`);
  const result = Papa.parse<string[]>(text.trim(), { skipEmptyLines: 'greedy', comments: '#', dynamicTyping: false });
  const rows = result.data;
  const fatal = result.errors.find((e) => e.type === 'Quotes');
  if (fatal) throw new CsvDataError(`${file}, row ${(fatal.row ?? 0) + 1}: ${fatal.message}.`);
  if (!rows.length) throw new CsvDataError(`${file} has no rows.`);
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const xCol = new Map<number, number>();
  let yCol = -1;
  header.forEach((h, col) => {
    const m = /^x(\d+)$/.exec(h);
    if (h === 'y') {
      if (yCol >= 0) throw new CsvDataError(`${file}: column "y" appears twice in the header.`);
      yCol = col;
    } else if (m && Number(m[1]) >= 1) {
      const j = Number(m[1]);
      if (xCol.has(j)) throw new CsvDataError(`${file}: column "x${j}" appears twice in the header.`);
      xCol.set(j, col);
    } else {
      throw new CsvDataError(`${file}: unexpected column ${quoted(rows[0][col].trim())} in the header; expected x1, …, xd and y.`
        + (/^-?[\d.]+(e-?\d+)?$/i.test(h) ? ' (Is the header row missing?)' : ''));
    }
  });
  if (yCol < 0) throw new CsvDataError(`${file}: the header has no "y" column (the label); expected x1, …, xd and y.`);
  const d = xCol.size;
  if (d === 0) throw new CsvDataError(`${file}: the header has no input columns; expected x1, …, xd and y.`);
  for (let j = 1; j <= d; j++) {
    if (!xCol.has(j)) throw new CsvDataError(`${file}: input columns must be x1 … x${d} without gaps; "x${j}" is missing (have ${[...xCol.keys()].sort((a, b) => a - b).map((k) => `x${k}`).join(', ')}).`);
  }
  if (d > RELU2_LIMITS.maxInputs) throw new CsvDataError(`${file}: d = ${d} inputs exceeds the limit of ${RELU2_LIMITS.maxInputs}.`);
  const n = rows.length - 1;
  if (n < 1) throw new CsvDataError(`${file} has a header but no data rows.`);
  if (n > RELU2_LIMITS.maxSamples) throw new CsvDataError(`${file}: ${n.toLocaleString('en')} samples exceed the limit of ${RELU2_LIMITS.maxSamples.toLocaleString('en')}.`);
  const X = new Float64Array(n * d), y = new Float64Array(n);
  const cols = header.length;
  const cell = (r: number, col: number, name: string): number => {
    const raw = rows[r][col].trim();
    const v = PLAIN_NUMBER.test(raw) ? Number(raw) : NaN; // no hex, "+2", ".2e1" or "Infinity"
    if (!Number.isFinite(v)) throw new CsvDataError(`${file}, row ${r + 1}, column ${name}: ${quoted(raw)} is not a finite number.`);
    return v;
  };
  for (let r = 1; r <= n; r++) {
    if (rows[r].length !== cols) {
      throw new CsvDataError(`${file}, row ${r + 1}: ${rows[r].length} fields, but the header has ${cols} (${header.join(', ')}).`);
    }
    for (const [j, col] of xCol) X[(r - 1) * d + j - 1] = cell(r, col, `x${j}`);
    y[r - 1] = cell(r, yCol, 'y');
  }
  return { d, n, X, y };
}

/**
 * Combines a train file and an optional test file into one data set.
 * @throws CsvDataError when the test file's d differs from the train file's.
 */
export function uploadedData(train: ParsedCsv, test?: ParsedCsv | null, names: { train: string; test?: string } = { train: 'train file' }): Relu2Data {
  if (test && test.d !== train.d) {
    throw new CsvDataError(`${names.test ?? 'test file'} has d = ${test.d} input columns but ${names.train} has d = ${train.d}; they must match.`);
  }
  return { d: train.d, X: train.X, y: train.y, ...(test ? { Xtest: test.X, ytest: test.y } : {}) };
}

/**
 * Rough speed of the kernel-distance pass, in pair-operations per second (one operation: one unit's term
 * of one Gram entry, ~8 flops): software adapter (SwiftShader, 2 cores), a GPU, the f64 CPU fallback.
 * Rough (±10×): they only decide whether to warn.
 */
export const KERNEL_PASS_RATE = { software: 2.5e8, gpu: 2.5e10, cpu: 2.5e7 } as const;
/** Warn before accepting data whose kernel-distance pass takes longer than this per checkpoint, seconds. */
export const SLOW_PASS_SECONDS = 5;

/**
 * Seconds of one checkpoint's kernel-distance pass (docs/theory.md §3: S compares the NTK Grams over the
 * n(n+1)/2 sample pairs, each a sum over the m units plus a d-dimensional inner product) for `networks`
 * networks. O(n²): the cost that makes a large upload slow (issue 11 defect 5).
 */
export function kernelPassSeconds(n: number, d: number, m: number, networks: number, rate: number): number {
  return (networks * (n * (n + 1)) / 2 * (m + d / 4)) / rate;
}

/**
 * The warning to show before accepting uploaded data whose kernel-distance pass is slow, or null.
 * @param run the experiment's networks, hidden width m and checkpoints (after 0) with these data.
 */
export function slowDataWarning(name: string, data: { n: number; d: number }, run: { networks: number; m: number; checkpoints: number },
  rate: number): string | null {
  const s = kernelPassSeconds(data.n, data.d, run.m, run.networks, rate);
  if (s <= SLOW_PASS_SECONDS) return null;
  const time = (t: number) => (t < 120 ? `${Math.round(t)} s` : t < 7200 ? `${(t / 60).toFixed(1)} min` : `${(t / 3600).toFixed(1)} h`);
  return `${name} has n = ${data.n.toLocaleString('en')} samples (d = ${data.d}). The kernel distance S compares the NTK Grams over all `
    + `${(data.n * (data.n + 1) / 2).toExponential(1).replace('e+', 'e')} sample pairs: ~${time(s)} per checkpoint for the ${run.networks.toLocaleString('en')} networks `
    + `on this adapter (~${time(s * run.checkpoints)} for ${run.checkpoints} checkpoints), and cancel waits for the pass in progress. `
    + 'Run it with these data, or keep the current run?';
}
