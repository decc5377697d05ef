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
 * @param version the format version written as `v`. @param prefix pairs written first, e.g. ['model=<id>'].
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
 * @param fixed keys accepted besides the schema's and `v`, each with its one allowed value (e.g. model=<id>).
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
    try {
      raw[name] = parseFieldString(name, schema[name], value);
    } catch (e) {
      throw inUrlTerms(schema, e);
    }
  }
  return { raw, version };
}

/**
 * A ParamError restated in the URL's terms: the message starts with the key the user typed in the hash,
 * `URL key dn: δ count (deltaCount) must be …` (the label and schema name follow). `field` is kept; other
 * errors, errors already in URL terms and fields outside the schema are returned unchanged.
 */
export function inUrlTerms<S extends Schema>(schema: S, e: unknown): unknown {
  if (!(e instanceof ParamError) || !Object.hasOwn(schema, e.field) || e.message.startsWith('URL ')) return e;
  return new ParamError(e.field, `URL key ${schema[e.field].key}: ${e.message}`);
}

/** {@link validate} with its error in URL terms ({@link inUrlTerms}). */
function validateUrl<S extends Schema>(schema: S, raw: Record<string, unknown>, base: Params<S>): Params<S> {
  try {
    return validate(schema, raw, base);
  } catch (e) {
    throw inUrlTerms(schema, e);
  }
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
  return validateUrl(schema, raw, base);
}

/**
 * What the generic hash functions need of a model (a ModelPlugin fits): its id, schema, presets, the
 * fields that only change the view, its URL format version and its preset rule for the URL.
 */
export interface HashModel<S extends Schema> {
  readonly id: string;
  readonly schema: S;
  readonly presets: Readonly<Record<string, Partial<Params<S>>>>;
  readonly viewFields: ReadonlySet<string>;
  readonly urlVersion: number;
  /**
   * True: keys of a hash that differ from the preset it names keep the preset's name (a full hash the
   * app wrote round-trips unchanged). False or absent: a differing key that is not a view field makes
   * the preset "custom".
   */
  readonly urlOverrideKeepsPreset?: boolean;
}

/**
 * Serialises a model's params: `model=<id>` first unless it is the default model (whose links stay
 * `#v=1&…`), then `v=<urlVersion>`, then every field.
 */
export function modelToHash<S extends Schema>(model: HashModel<S>, params: Params<S>, isDefault: boolean): string {
  return toHash(model.schema, params, model.urlVersion, isDefault ? [] : [`model=${encodeURIComponent(model.id)}`]);
}

/**
 * Parses a model's URL hash into validated params. The one preset rule of every model: a preset named
 * in the hash (`p=…`) applies first (over the defaults), the other keys of the hash override it; see
 * {@link HashModel.urlOverrideKeepsPreset} for when that makes the preset "custom". Without a preset
 * (or with p=custom) missing keys take `base`. A hash with no field and no version (`#`,
 * `#model=<id>`) returns `base`; `model=` must name this model.
 * @throws ParamError for a malformed pair, an unknown or duplicate key, a missing or unsupported
 *   version, or a value outside its field's range (the message names the field and its range).
 */
export function modelFromHash<S extends Schema>(model: HashModel<S>, hash: string, base: Params<S> = defaults(model.schema)): Params<S> {
  const { raw, version } = parseHash(model.schema, hash, { model: model.id });
  if (Object.keys(raw).length === 0 && version === undefined) return base;
  checkVersion(version, model.urlVersion);
  return applyPresetRule(model, raw, base);
}

/** The preset rule of {@link modelFromHash} on raw values parsed from a hash. @throws ParamError in URL terms. */
function applyPresetRule<S extends Schema>(model: HashModel<S>, raw: Record<string, unknown>, base: Params<S>): Params<S> {
  const name = raw.preset;
  if (typeof name !== 'string' || !Object.hasOwn(model.presets, name)) return validateUrl(model.schema, raw, base);
  const preset = model.presets[name] as Record<string, unknown>;
  const overridden = !model.urlOverrideKeepsPreset && Object.keys(raw).some(
    (k) => k in preset && !model.viewFields.has(k) && JSON.stringify(preset[k]) !== JSON.stringify(raw[k]));
  const start = validate(model.schema, { ...preset, preset: name }, defaults(model.schema));
  return validateUrl(model.schema, { ...raw, ...(overridden ? { preset: 'custom' } : {}) }, start);
}

/**
 * A first load's reading of a hash: like {@link modelFromHash}, but each bad pair is refused on its own
 * and the valid keys are kept (a link with one typo still opens what it describes). A malformed pair, a
 * bad encoding, an unknown key, a repeated key (the first is kept), a wrong `model=` or a bad value is
 * dropped with one error naming its URL key; then `check` (the model's checkParams) runs, and a key it
 * names is dropped too (its field takes the preset's or base value) until the params pass or the field
 * it names is not in the hash (then the params are returned as they are, for the app's own fallback).
 * A missing or unsupported version refuses the whole hash (its keys may mean something else): `base`.
 * @returns the params and the errors, in hash order (empty when the hash is valid).
 */
export function modelFromHashKeeping<S extends Schema>(
  model: HashModel<S>, hash: string, check?: (p: Params<S>) => void, base: Params<S> = defaults(model.schema),
): { params: Params<S>; errors: ParamError[] } {
  const errors: ParamError[] = [];
  const raw: Record<string, unknown> = {};
  const pairs = hash.replace(/^#/, '').split('&').filter((p) => p !== '');
  const keys = new Set<string>();
  let versioned = false;
  for (const pair of pairs) {
    const key = pair.slice(0, Math.max(0, pair.indexOf('=')));
    if (key !== '' && keys.has(key)) { errors.push(new ParamError('url', `URL parameter "${key}" appears twice.`)); continue; }
    keys.add(key);
    try {
      const one = parseHash(model.schema, pair, { model: model.id });
      if (one.version !== undefined) { checkVersion(one.version, model.urlVersion); versioned = true; }
      const [name, value] = Object.entries(one.raw)[0] ?? [];
      if (name !== undefined) raw[name] = validateUrl(model.schema, { [name]: value }, base)[name];
    } catch (e) {
      if (!(e instanceof ParamError)) throw e;
      if (key === 'v') return { params: base, errors: [e] };
      errors.push(e);
    }
  }
  if (Object.keys(raw).length === 0 && !versioned && errors.length === 0) return { params: base, errors };
  if (!versioned) return { params: base, errors: [...errors, new ParamError('url', `The URL has no format version (v=${model.urlVersion}).`)] };
  for (;;) {
    const params = applyPresetRule(model, raw, base);
    try {
      check?.(params);
      return { params, errors };
    } catch (e) {
      if (!(e instanceof ParamError) || !(e.field in raw)) return { params, errors };
      delete raw[e.field];
      errors.push(inUrlTerms(model.schema, e) as ParamError);
    }
  }
}

/**
 * The preset rule of a change made in the app (a control, a button): a preset name expands to the
 * preset's settings (the change's other keys win); editing by hand a field some preset sets, other
 * than a view field, makes the preset "custom".
 * @returns the raw change to validate.
 */
export function expandPresetChange<S extends Schema>(model: HashModel<S>, change: Record<string, unknown>): Record<string, unknown> {
  const name = change.preset;
  if (typeof name === 'string' && Object.hasOwn(model.presets, name)) return { ...model.presets[name], ...change };
  const presetFields = new Set(Object.values(model.presets).flatMap((p) => Object.keys(p)));
  if (name === undefined && Object.keys(change).some((k) => presetFields.has(k) && !model.viewFields.has(k))) {
    return { ...change, preset: 'custom' };
  }
  return change;
}
