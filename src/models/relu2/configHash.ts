/**
 * The canonical text of a relu2 config that its hash covers (what determines the results: activation,
 * data, init with ranges expanded, learning rate, checkpoints, and `record` when set; not the backend),
 * and its SHA-256 through WebCrypto, so the browser's exports carry the same hash as the CLI's
 * `configHash` (run.ts relu2ConfigHash, node:crypto). Pure: no DOM, no Node modules.
 */
import type { Relu2Config } from './config.ts';

const sortKeys = (_key: string, v: unknown): unknown => {
  if (ArrayBuffer.isView(v)) return Array.from(v as Float64Array);
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
  }
  return v;
};

/** JSON of the hashed fields with sorted keys and typed arrays as arrays. */
export function relu2CanonicalConfig(cfg: Relu2Config): string {
  const { slope, data, init, learningRate, checkpoints, record } = cfg;
  // `record` changes the entries' fields, so shards with and without it never merge; absent, the hash is as before.
  return JSON.stringify({ model: 'relu2', slope, data, init, learningRate, checkpoints, ...(record ? { record } : {}) }, sortKeys);
}

/**
 * SHA-256 (hex) of {@link relu2CanonicalConfig} via WebCrypto (browser, Node ≥ 20): equal to the CLI's configHash.
 * @throws Error when WebCrypto is unavailable (a page served over plain http from another host).
 */
export async function relu2ConfigHashAsync(cfg: Relu2Config): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('relu2ConfigHashAsync: WebCrypto (crypto.subtle) is unavailable in this context');
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(relu2CanonicalConfig(cfg)));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
