/**
 * URL-hash state of the relu2 app: `#model=relu2&v=1&p=fig1b-reduced&d=20&…`. `model=relu2` selects
 * the app (src/main.ts); `v` is this app's own format version (independent of the single-neuron
 * `v`), so old links can be migrated or refused clearly. Every RELU2_SCHEMA field round-trips through
 * its short key (params/schema.ts formats and parses the values).
 */
import { defaults, validate } from '../../params/schema.ts';
import { checkVersion, parseHash, toHash } from '../../params/url.ts';
import { RELU2_PRESETS, RELU2_SCHEMA, type Relu2AppParams } from '../../models/relu2/params.ts';

/** Current relu2 URL format version. Bump it when a key's meaning changes. */
export const RELU2_URL_VERSION = 1;

/** Fields a preset may set without the link becoming "custom" when they differ (view state). */
const VIEW_KEYS = new Set(['metric', 'at']);

/** True when a URL hash selects the relu2 app (`model=relu2`). */
export function isRelu2Hash(hash: string): boolean { return /(^#?|&)model=relu2(&|$)/.test(hash); }

/** Serialises every field (not only non-defaults, so a link keeps its meaning if defaults change). */
export function relu2ToHash(params: Relu2AppParams): string {
  return toHash(RELU2_SCHEMA, params, RELU2_URL_VERSION, ['model=relu2']);
}

/**
 * Parses a relu2 URL hash into validated params; missing keys take `base`. A preset key expands to the
 * preset's settings, which the other keys of the URL override (so `#model=relu2&v=1&p=fig1a&T=5000`
 * works, and reads as preset "custom" because T differs). A hash with only `model=relu2` returns `base`.
 * @throws ParamError for a malformed pair, an unknown or duplicate key, a missing or unsupported version
 *   (when any field is given), or a value outside its field's range (the message names the field).
 */
export function relu2FromHash(hash: string, base: Relu2AppParams = defaults(RELU2_SCHEMA)): Relu2AppParams {
  const { raw, version } = parseHash(RELU2_SCHEMA, hash, { model: 'relu2' });
  if (Object.keys(raw).length === 0 && version === undefined) return base;
  checkVersion(version, RELU2_URL_VERSION);
  const preset: Record<string, unknown> = typeof raw.preset === 'string' && raw.preset in RELU2_PRESETS
    ? RELU2_PRESETS[raw.preset as keyof typeof RELU2_PRESETS] : {};
  const overridden = Object.keys(raw).some((k) => k in preset && !VIEW_KEYS.has(k) && preset[k] !== raw[k]);
  return validate(RELU2_SCHEMA, { ...preset, ...raw, ...(overridden ? { preset: 'custom' } : {}) }, base);
}
