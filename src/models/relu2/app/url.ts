/**
 * URL-hash state of the relu2 app: `#model=relu2&v=1&p=fig1b-reduced&d=20&…`, through the shell's
 * generic hash functions (src/params/url.ts modelToHash / modelFromHash) with the relu2 plugin: `v` is
 * this model's own format version, a preset named in the hash applies first and other keys override it
 * (a differing non-view key makes it "custom").
 */
import { defaults } from '../../../params/schema.ts';
import { modelFromHash, modelToHash } from '../../../params/url.ts';
import { RELU2_SCHEMA, type Relu2AppParams } from '../params.ts';
import { relu2Plugin } from '../plugin.ts';

/** Current relu2 URL format version. Bump it (in the plugin) when a key's meaning changes. */
export const RELU2_URL_VERSION = relu2Plugin.urlVersion;

/** True when a URL hash selects the relu2 app (`model=relu2`). */
export function isRelu2Hash(hash: string): boolean { return /(^#?|&)model=relu2(&|$)/.test(hash); }

/** Serialises every field (not only non-defaults, so a link keeps its meaning if defaults change). */
export function relu2ToHash(params: Relu2AppParams): string {
  return modelToHash(relu2Plugin, params, false);
}

/**
 * Parses a relu2 URL hash into validated params (modelFromHash): `#model=relu2&v=1&p=fig1a&T=5000` is
 * Fig. 1a with T = 5000, preset "custom". A hash with only `model=relu2` returns `base`.
 * @throws ParamError as modelFromHash.
 */
export function relu2FromHash(hash: string, base: Relu2AppParams = defaults(RELU2_SCHEMA)): Relu2AppParams {
  return modelFromHash(relu2Plugin, hash, base);
}
