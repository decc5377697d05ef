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

/**
 * A finite number that float32 (the GPU's precision) also holds finite: |x| ≤ 3.4e38 (1e39 is Infinity there).
 * Used for data and explicit weights, which the GPU backends read as float32. @throws ConfigError at `path`.
 */
export function float32(v: unknown, path: string): number {
  const x = finite(v, path);
  if (!Number.isFinite(Math.fround(x))) throw new ConfigError(path, `${x} is ${Math.fround(x)} in float32 (the GPU's precision); expected |x| ≤ 3.4e38`);
  return x;
}

/** {@link vector} whose entries also pass {@link float32}. @throws ConfigError at `path` or `path[j]`. */
export function vector32(v: unknown, path: string, d: number, name = 'd'): number[] {
  const a = vector(v, path, d, name);
  a.forEach((x, j) => float32(x, `${path}[${j}]`));
  return a;
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

/** The deepest nesting of arrays and objects a config may have (real configs need 4; JSON.parse and the checks recurse). */
export const MAX_JSON_DEPTH = 64;

/**
 * The nesting depth of JSON text (arrays and objects, brackets inside strings ignored), scanned without
 * recursion, and the character offset where it first exceeds `limit` (undefined when it never does).
 */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): { depth: number; exceededAt?: number } {
  let depth = 0, max = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      depth++;
      if (depth > max) max = depth;
      if (depth > limit) return { depth, exceededAt: i };
    } else if (c === 93 || c === 125) depth--;
  }
  return { depth: max };
}

/**
 * Parses config text as JSON. A leading UTF-8 byte-order mark (U+FEFF, as some editors write) is skipped.
 * @throws ConfigError with path `config` when the text is not JSON, or when arrays and objects nest deeper
 *   than {@link MAX_JSON_DEPTH} (which would otherwise exhaust the call stack).
 */
export function parseJson(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const { exceededAt } = jsonDepth(body);
  if (exceededAt !== undefined) {
    throw new ConfigError('config', `nested more than ${MAX_JSON_DEPTH} levels deep (at character ${exceededAt + 1}); a config needs at most a few levels`);
  }
  try {
    return JSON.parse(body);
  } catch (e) {
    throw new ConfigError('config', `not valid JSON (${(e as Error).message})`);
  }
}
