/**
 * The CLI's view of the model registry (src/models/registry.ts): which model a config names, and that
 * model's Node half ({@link ModelCli}). The commands find models only through here, so adding a model to
 * the registry adds it to `simulate`, and (with {@link ModelCli.sweep}) to `sweep` and `merge`.
 */
import type { ModelCli, ModelPlugin } from '../models/plugin.ts';
import { DEFAULT_MODEL, findModel, MODEL_IDS, MODELS } from '../models/registry.ts';
import { ConfigError, describeValue, kindOf } from './validate.ts';

/**
 * The error for a config whose "model" is not registered, e.g. `config.model: unknown model "relu3"
 * (supported: …)` listing every registered id.
 */
export function unknownModelError(model: unknown): ConfigError {
  return new ConfigError('config.model', `unknown model ${describeValue(model)} (supported: ${MODEL_IDS.map((id) => `"${id}"`).join(', ')})`);
}

/**
 * The plugin a parsed config names: its "model" field, or {@link DEFAULT_MODEL} when the field is absent
 * (the default model's parseConfig then decides whether it may be absent).
 * @param raw the value of JSON.parse of the config file.
 * @throws ConfigError at `config` when raw is not a JSON object, at `config.model` when the id is unknown.
 */
export function modelOfConfig(raw: unknown): ModelPlugin {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError('config', `expected an object, got ${kindOf(raw)}`);
  const model = (raw as { model?: unknown }).model;
  if (model === undefined) return DEFAULT_MODEL;
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
    + `model "${plugin.id}"${named === undefined ? ' (the default)' : ''} has no sweep`);
}
