/**
 * JSON validation primitives shared by every model's config parser (src/models/<id>/config.ts, behind
 * ModelCli.parseConfig). Each check either returns the typed value or throws one {@link ConfigError} whose message starts
 * with the JSON path of the offending field, e.g. `config.data.X[1][0]: expected a finite number, got "x"`.
 */

/** A malformed config. `path` is the JSON path (`config.data.XX[1][0]`); the message starts with it. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly path: string, detail: string) {
    super(`${path}: ${detail}`);
  }
}

/** A parsed JSON object. */
export type Obj = Record<string, unknown>;

/** Short rendering of a JSON value for messages: strings quoted, Infinity as is, long values cut. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number') return String(v);
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** 'null', 'an array', 'an object', or the value itself ({@link describeValue}) for scalars. */
export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return describeValue(v);
}

/** A JSON object whose keys are all in `allowed`. @throws ConfigError at `path` or `path.key` (unknown key). */
export function obj(v: unknown, path: string, allowed: readonly string[]): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(path, `expected an object, got ${kindOf(v)}`);
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) {
      throw new ConfigError(`${path}.${key}`, `unknown field (allowed here: ${allowed.join(', ')})`);
    }
  }
  return v as Obj;
}

/** o[key], which must be present. @throws ConfigError at `path.key` ("missing required field"). */
export function required(o: Obj, key: string, path: string): unknown {
  if (!(key in o) || o[key] === undefined) throw new ConfigError(`${path}.${key}`, 'missing required field');
  return o[key];
}

/** A finite number (JSON's 1e999 parses to Infinity and is refused). @throws ConfigError at `path`. */
export function finite(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError(path, `expected a finite number, got ${describeValue(v)}`);
  return v;
}

/** A finite number > 0. @throws ConfigError at `path`. */
export function positive(v: unknown, path: string): number {
  const x = finite(v, path);
  if (!(x > 0)) throw new ConfigError(path, `expected a finite number > 0, got ${x}`);
  return x;
}

/** An integer ≥ min. @throws ConfigError at `path`. */
export function integer(v: unknown, path: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ConfigError(path, `expected an integer ≥ ${min}, got ${describeValue(v)}`);
  return v;
}

/** An array (any length); `what` describes the expected content in the message. @throws ConfigError at `path`. */
export function arr(v: unknown, path: string, what: string): unknown[] {
  if (!Array.isArray(v)) throw new ConfigError(path, `expected ${what}, got ${kindOf(v)}`);
  return v;
}

/**
 * An array of exactly d finite numbers. @param name the length's symbol in messages (default "d").
 * @throws ConfigError at `path` or `path[j]`.
 */
export function vector(v: unknown, path: string, d: number, name = 'd'): number[] {
  const a = arr(v, path, `an array of ${d} numbers`);
  if (a.length !== d) throw new ConfigError(path, `expected length ${name} = ${d}, got ${a.length}`);
  return a.map((x, j) => finite(x, `${path}[${j}]`));
}

/** One of the given strings. @throws ConfigError at `path` listing the options. */
export function oneOf<T extends string>(v: unknown, path: string, options: readonly T[]): T {
  if (typeof v !== 'string' || !options.includes(v as T)) {
    throw new ConfigError(path, `expected one of ${options.map((o) => `"${o}"`).join(', ')}, got ${describeValue(v)}`);
  }
  return v as T;
}

/**
 * Parses config text as JSON.
 * @throws ConfigError with path `config` when the text is not JSON.
 */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError('config', `not valid JSON (${(e as Error).message})`);
  }
}
