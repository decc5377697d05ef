/**
 * URL-hash state of the relu2 app: `#model=relu2&v=1&p=fig1b-reduced&d=20&…`. `model=relu2` selects
 * the app (src/main.ts); `v` is this app's own format version (independent of the single-neuron
 * `v`), so old links can be migrated or refused clearly. Every RELU2_SCHEMA field round-trips through
 * its short key (params/schema.ts formats and parses the values).
 */
import { ParamError, defaults, formatFieldString, parseFieldString, validate } from '../../params/schema.ts';
import { RELU2_PRESETS, RELU2_SCHEMA, type Relu2AppParams } from '../../models/relu2/params.ts';

/** Current relu2 URL format version. Bump it when a key's meaning changes. */
export const RELU2_URL_VERSION = 1;

/** Fields a preset may set without the link becoming "custom" when they differ (view state). */
const VIEW_KEYS = new Set(['metric', 'at']);

/** True when a URL hash selects the relu2 app (`model=relu2`). */
export function isRelu2Hash(hash: string): boolean { return /(^#?|&)model=relu2(&|$)/.test(hash); }

/** Serialises every field (not only non-defaults, so a link keeps its meaning if defaults change). */
export function relu2ToHash(params: Relu2AppParams): string {
  const parts = ['model=relu2', `v=${RELU2_URL_VERSION}`];
  for (const [name, f] of Object.entries(RELU2_SCHEMA)) {
    parts.push(`${f.key}=${encodeURIComponent(formatFieldString(f, (params as Record<string, unknown>)[name]))}`);
  }
  return `#${parts.join('&')}`;
}

/**
 * Parses a relu2 URL hash into validated params; missing keys take `base`. A preset key expands to the
 * preset's settings, which the other keys of the URL override (so `#model=relu2&v=1&p=fig1a&T=5000`
 * works, and reads as preset "custom" because T differs). A hash with only `model=relu2` returns `base`.
 * @throws ParamError for a malformed pair, an unknown or duplicate key, a missing or unsupported version
 *   (when any field is given), or a value outside its field's range (the message names the field).
 */
export function relu2FromHash(hash: string, base: Relu2AppParams = defaults(RELU2_SCHEMA)): Relu2AppParams {
  const byKey = new Map(Object.entries(RELU2_SCHEMA).map(([name, f]) => [f.key as string, name]));
  const raw: Record<string, unknown> = {};
  const seen = new Set<string>();
  let version: string | undefined;
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
    if (key === 'model') {
      if (value !== 'relu2') throw new ParamError('url', `URL parameter model=${value} is not the relu2 app.`);
      continue;
    }
    if (key === 'v') { version = value; continue; }
    const name = byKey.get(key);
    if (!name) throw new ParamError('url', `Unknown URL parameter "${key}" for the relu2 app.`);
    raw[name] = parseFieldString(name, RELU2_SCHEMA[name as keyof typeof RELU2_SCHEMA], value);
  }
  if (Object.keys(raw).length === 0 && version === undefined) return base;
  if (version === undefined) throw new ParamError('url', `The URL has no format version (v=${RELU2_URL_VERSION}).`);
  if (version !== String(RELU2_URL_VERSION)) {
    throw new ParamError('url', `relu2 URL format version v=${version} is not supported; this build reads v=${RELU2_URL_VERSION}.`);
  }
  const preset: Record<string, unknown> = typeof raw.preset === 'string' && raw.preset in RELU2_PRESETS
    ? RELU2_PRESETS[raw.preset as keyof typeof RELU2_PRESETS] : {};
  const overridden = Object.keys(raw).some((k) => k in preset && !VIEW_KEYS.has(k) && preset[k] !== raw[k]);
  return validate(RELU2_SCHEMA, { ...preset, ...raw, ...(overridden ? { preset: 'custom' } : {}) }, base);
}
