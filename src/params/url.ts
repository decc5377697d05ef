/**
 * URL-hash state: `#v=1&p=fig2&d=2&xy=0,1&...`. Every schema field round-trips through its short key;
 * `v` is the format version, so old links can be migrated or refused clearly.
 */
import {
  ParamError, defaults, formatFieldString, parseFieldString, validate, type Params, type Schema,
} from './schema.ts';

/** Current URL format version. Bump it when a key's meaning changes. */
export const URL_VERSION = 1;

/**
 * Serialises every field (not only non-defaults, so a link keeps its meaning if defaults change).
 * @param version the format version written as `v`. @param prefix pairs written first, e.g. ['model=relu2'].
 */
export function toHash<S extends Schema>(schema: S, params: Params<S>, version = URL_VERSION, prefix: string[] = []): string {
  const parts = [...prefix, `v=${version}`];
  for (const [name, f] of Object.entries(schema)) {
    parts.push(`${f.key}=${encodeURIComponent(formatFieldString(f, (params as Record<string, unknown>)[name]))}`);
  }
  return `#${parts.join('&')}`;
}

/**
 * Splits a URL hash (with or without the leading '#') into raw field values (strings parsed to each
 * field's type, not yet range-checked) and the format version.
 * @param fixed keys accepted besides the schema's and `v`, each with its one allowed value (e.g. model=relu2).
 * @throws ParamError for a malformed pair or encoding, an unknown or duplicate key, or a wrong fixed value.
 */
export function parseHash<S extends Schema>(
  schema: S, hash: string, fixed: Record<string, string> = {},
): { raw: Record<string, unknown>; version: string | undefined } {
  const byKey = new Map(Object.entries(schema).map(([name, f]) => [f.key, name]));
  const raw: Record<string, unknown> = {};
  let version: string | undefined;
  const seen = new Set<string>();
  for (const pair of hash.replace(/^#/, '').split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new ParamError('url', `Malformed URL parameter "${pair}": expected key=value.`);
    const key = pair.slice(0, eq);
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(eq + 1));
    } catch {
      throw new ParamError('url', `Malformed URL encoding in "${pair}".`);
    }
    if (seen.has(key)) throw new ParamError('url', `URL parameter "${key}" appears twice.`);
    seen.add(key);
    if (key === 'v') { version = value; continue; }
    if (key in fixed) {
      if (value !== fixed[key]) throw new ParamError('url', `URL parameter ${key}=${value} does not belong here (expected ${key}=${fixed[key]}).`);
      continue;
    }
    const name = byKey.get(key);
    if (!name) throw new ParamError('url', `Unknown URL parameter "${key}".`);
    raw[name] = parseFieldString(name, schema[name], value);
  }
  return { raw, version };
}

/**
 * Throws unless the hash's version is `expected`.
 * @throws ParamError for a missing or unsupported version.
 */
export function checkVersion(version: string | undefined, expected: number): void {
  if (version === undefined) throw new ParamError('url', `The URL has no format version (v=${expected}).`);
  if (version !== String(expected)) {
    throw new ParamError('url', `URL format version v=${version} is not supported; this build reads v=${expected}.`);
  }
}

/**
 * Parses a URL hash (with or without the leading '#') into validated params, missing keys taking `base`.
 * An empty hash returns `base` unchanged.
 * @throws ParamError for a malformed pair, an unknown key, a duplicate key, a missing or unsupported
 *   version, or a value outside its field's range (the message names the field and its range).
 */
export function fromHash<S extends Schema>(schema: S, hash: string, base: Params<S> = defaults(schema)): Params<S> {
  if (hash.replace(/^#/, '').trim() === '') return base;
  const { raw, version } = parseHash(schema, hash);
  checkVersion(version, URL_VERSION);
  return validate(schema, raw, base);
}
