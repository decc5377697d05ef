/**
 * Explicit mlp data from CSV files (issue 14 item 3, task 'csv'): rows `x_1,…,x_d,label`, parsed with papaparse. The
 * header is optional (a first row with a cell that is not a number is the header); with a header, the label column is
 * the one named `label` or `y` (else the last), and a column named `split` (`train` or `test`) sends rows to the test
 * set; every other column is an input, in file order. A second file with the same inputs is the test set. Every
 * problem names the file, row (1-based, the file's line, header included) and column. Pure: no DOM.
 */
import Papa from 'papaparse';
import { PLAIN_NUMBER } from '../../../params/schema.ts';
import { MLP_LIMITS } from '../../../theory/mlp.ts';
import { MLP_CONFIG_LIMITS } from '../config.ts';
import type { MlpExplicitData } from '../params.ts';

/** A malformed data file; the message names the file and, where it applies, the row and column. */
export class MlpCsvError extends Error {
  override name = 'MlpCsvError';
}

/** Largest file accepted (characters), checked before parsing. */
export const MLP_CSV_MAX_CHARS = 64 * 2 ** 20;

/** One parsed file: d inputs, train rows X [n][d] with labels, test rows (a `split` column) likewise. */
export interface MlpCsvFile { d: number; columns: string[]; X: number[][]; labels: number[]; Xtest: number[][]; labelsTest: number[] }

const quoted = (text: string): string => JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);
const isNumber = (raw: string): boolean => PLAIN_NUMBER.test(raw.trim());

/**
 * Parses one data file.
 * @throws MlpCsvError naming the row and column: an empty file, a quote error, rows with another number of fields
 *   than the first (ragged), a cell that is not a plain finite number (NaN, Infinity, hex, text), a label that is not
 *   an integer ≥ 0, a split value other than train/test, no input columns, no training rows, d > 512 inputs, or more
 *   than 2²⁵ numbers (MLP_CONFIG_LIMITS.dataNumbers); a text over {@link MLP_CSV_MAX_CHARS} before parsing.
 */
export function parseMlpCsv(text: string, file = 'CSV file'): MlpCsvFile {
  if (text.length > MLP_CSV_MAX_CHARS) throw new MlpCsvError(`${file} is ${(text.length / 2 ** 20).toFixed(0)} MB; at most ${MLP_CSV_MAX_CHARS / 2 ** 20} MB are read.`);
  if (text.trim() === '') throw new MlpCsvError(`${file} is empty: expected rows x_1,…,x_d,label (a header row is optional).`);
  const result = Papa.parse<string[]>(text, { comments: '#', dynamicTyping: false, skipEmptyLines: false });
  const quote = result.errors.find((e) => e.type === 'Quotes');
  if (quote) throw new MlpCsvError(`${file}, row ${(quote.row ?? 0) + 1}: ${quote.message}.`);
  // Blank lines are skipped here (not by papaparse) so that row numbers stay the file's lines.
  const rows = result.data.map((cells, i) => ({ cells, line: i + 1 })).filter((r) => !(r.cells.length === 1 && r.cells[0].trim() === ''));
  if (!rows.length) throw new MlpCsvError(`${file} has no rows.`);
  const first = rows[0].cells.map((c) => c.trim());
  const hasHeader = first.some((c) => !isNumber(c));
  const width = first.length;
  const names = hasHeader ? first.map((c) => c.toLowerCase()) : first.map((_, j) => (j === width - 1 ? 'label' : `x_${j + 1}`));
  if (width < 2) throw new MlpCsvError(`${file}, row ${rows[0].line}: one column; expected inputs x_1,…,x_d and a label.`);
  const splitCol = names.indexOf('split');
  let labelCol = names.indexOf('label');
  if (labelCol < 0) labelCol = names.indexOf('y');
  if (labelCol < 0) labelCol = splitCol === width - 1 ? width - 2 : width - 1;
  const inputCols = names.map((_, j) => j).filter((j) => j !== labelCol && j !== splitCol);
  if (inputCols.length === 0) throw new MlpCsvError(`${file}: no input columns besides the label${splitCol >= 0 ? ' and split' : ''}.`);
  const d = inputCols.length;
  if (d > MLP_LIMITS.maxWidth) throw new MlpCsvError(`${file}: d = ${d} inputs exceed the limit of ${MLP_LIMITS.maxWidth} (the first layer's width).`);
  const data = hasHeader ? rows.slice(1) : rows;
  if (data.length * d > MLP_CONFIG_LIMITS.dataNumbers) {
    throw new MlpCsvError(`${file}: ${data.length.toLocaleString('en')} rows × ${d} inputs exceed the limit of ${MLP_CONFIG_LIMITS.dataNumbers.toLocaleString('en')} numbers.`);
  }
  const columnName = (j: number) => (hasHeader ? quoted(first[j]) : `${j + 1}`);
  const out: MlpCsvFile = { d, columns: inputCols.map((j) => (hasHeader ? first[j] : `x_${j + 1}`)), X: [], labels: [], Xtest: [], labelsTest: [] };
  for (const { cells, line } of data) {
    if (cells.length !== width) throw new MlpCsvError(`${file}, row ${line}: ${cells.length} fields, but ${hasHeader ? 'the header has' : 'the first row has'} ${width}.`);
    const x = inputCols.map((j) => {
      const raw = cells[j].trim();
      if (!isNumber(raw)) throw new MlpCsvError(`${file}, row ${line}, column ${columnName(j)}: ${quoted(raw)} is not a finite number.`);
      return Number(raw);
    });
    const rawLabel = cells[labelCol].trim();
    const y = isNumber(rawLabel) ? Number(rawLabel) : NaN;
    if (!(Number.isInteger(y) && y >= 0)) {
      throw new MlpCsvError(`${file}, row ${line}, column ${columnName(labelCol)} (label): ${quoted(rawLabel)} is not a class index (an integer 0 … c − 1).`);
    }
    let test = false;
    if (splitCol >= 0) {
      const s = cells[splitCol].trim().toLowerCase();
      if (s !== 'train' && s !== 'test') throw new MlpCsvError(`${file}, row ${line}, column ${columnName(splitCol)} (split): ${quoted(cells[splitCol].trim())} is neither "train" nor "test".`);
      test = s === 'test';
    }
    if (test) { out.Xtest.push(x); out.labelsTest.push(y); } else { out.X.push(x); out.labels.push(y); }
  }
  if (out.X.length === 0) throw new MlpCsvError(`${file} has no training rows${hasHeader ? ' after the header' : ''}.`);
  return out;
}

/**
 * The explicit data of an uploaded train file and an optional test file (its rows join the train file's test rows).
 * Classes c = the largest label + 1 (every label is then in 0 … c − 1).
 * @throws MlpCsvError when the test file's input count differs, c < 2 or c > 512 (the readout's width limit).
 */
export function uploadedMlpData(train: MlpCsvFile, test: MlpCsvFile | null, names = { train: 'train CSV', test: 'test CSV' }): MlpExplicitData {
  if (test && test.d !== train.d) throw new MlpCsvError(`${names.test}: ${test.d} input columns, but ${names.train} has ${train.d}.`);
  const Xtest = [...train.Xtest, ...(test ? [...test.X, ...test.Xtest] : [])];
  const labelsTest = [...train.labelsTest, ...(test ? [...test.labels, ...test.labelsTest] : [])];
  let top = 0;
  for (const y of train.labels) top = Math.max(top, y);
  for (const y of labelsTest) top = Math.max(top, y);
  const classes = top + 1;
  if (classes < 2) throw new MlpCsvError(`${names.train}: every label is 0; a classifier needs at least 2 classes (labels 0 … c − 1).`);
  if (classes > MLP_LIMITS.maxWidth) throw new MlpCsvError(`${names.train}: label ${top} makes ${classes} classes; the readout allows at most ${MLP_LIMITS.maxWidth}.`);
  return { X: train.X, labels: train.labels, Xtest, labelsTest, classes };
}
