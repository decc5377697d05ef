/**
 * The CLI's view of the model registry (src/models/registry.ts): which model a config names, and that
 * model's Node half ({@link ModelCli}). The commands find models only through here, so adding a model to
 * the registry adds it to `simulate`, and (with {@link ModelCli.sweep}) to `sweep` and `merge`.
 */
import type { ModelCli, ModelPlugin } from '../models/plugin.ts';
import { findModel, MODEL_IDS, MODELS } from '../models/registry.ts';
import { ConfigError, describeValue, kindOf } from './validate.ts';

/** The registered ids, quoted and comma-separated, for messages. */
function supported(): string {
  return MODEL_IDS.map((id) => `"${id}"`).join(', ');
}

/**
 * The error for a config whose "model" is not registered, e.g. `config.model: unknown model "relu3"
 * (supported: …)` listing every registered id.
 */
export function unknownModelError(model: unknown): ConfigError {
  if (model === undefined) return new ConfigError('config.model', `missing required field (supported: ${supported()})`);
  if (typeof model !== 'string') return new ConfigError('config.model', `expected a model id (a string), got ${kindOf(model)} (supported: ${supported()})`);
  return new ConfigError('config.model', `unknown model ${describeValue(model)} (supported: ${supported()})`);
}

/** Levenshtein distance of two short strings. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** A top-level key that looks like a misspelt "model" ("Model", "modle", "models": edit distance ≤ 2), if any. */
function misspeltModelKey(raw: object): string | undefined {
  return Object.keys(raw).find((k) => k !== 'model' && k.length <= 8 && editDistance(k.toLowerCase(), 'model') <= 2);
}

/**
 * The plugin a parsed config names in its "model" field (every config names its model; see
 * docs/architecture.md). Checked before any other field, so a config of one model is never judged by
 * another's fields.
 * @param raw the value of JSON.parse of the config file.
 * @throws ConfigError at `config` when raw is not a JSON object; at `config.model`, naming the registered
 *   ids, when the field is missing (and the key that looks like a misspelling of it), not a string, or unknown.
 */
export function modelOfConfig(raw: unknown): ModelPlugin {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError('config', `expected an object, got ${kindOf(raw)}`);
  const model = (raw as { model?: unknown }).model;
  if (model === undefined) {
    const typo = misspeltModelKey(raw);
    const error = unknownModelError(undefined);
    if (typo === undefined) throw error;
    throw new ConfigError('config.model', `${error.message.slice('config.model: '.length)}; found "${typo}" instead: did you mean "model"?`);
  }
  const plugin = typeof model === 'string' ? findModel(model) : undefined;
  if (!plugin) throw unknownModelError(model);
  return plugin;
}

/** Every registered model's CLI half, in registry order (for help texts). */
export async function allModelClis(): Promise<{ plugin: ModelPlugin; cli: ModelCli }[]> {
  return Promise.all(MODELS.map(async (plugin) => ({ plugin, cli: await plugin.loadCli() })));
}

/**
 * The CLI half of a config's model when it can run in shards.
 * @throws ConfigError at `config.model` when the model has no {@link ModelCli.sweep}, e.g.
 *   `sweep runs "<ids with sweep>" configs only, got "x"; model "x" has no sweep`.
 */
export async function sweepModelOf(raw: unknown): Promise<{ plugin: ModelPlugin; cli: ModelCli & { sweep: NonNullable<ModelCli['sweep']> } }> {
  const plugin = modelOfConfig(raw);
  const cli = await plugin.loadCli();
  if (cli.sweep) return { plugin, cli: cli as ModelCli & { sweep: NonNullable<ModelCli['sweep']> } };
  const sweepable = (await allModelClis()).filter((m) => m.cli.sweep).map((m) => `"${m.plugin.id}"`);
  const named = (raw as { model?: unknown }).model;
  throw new ConfigError('config.model', `sweep runs ${sweepable.join(' or ')} configs only, got ${describeValue(named)}; `
    + `model "${plugin.id}" has no sweep`);
}
