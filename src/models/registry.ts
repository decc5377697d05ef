/**
 * The model registry: every model the app and the CLI know, by id (docs/architecture.md). Adding a
 * model is one line here plus its folder src/models/<id>/ with a plugin.ts. Code outside a model's
 * folder finds a model only through this file.
 */
import type { ModelPlugin } from './plugin.ts';
import { relu2Plugin } from './relu2/plugin.ts';
import { singleNeuronPlugin } from './singleNeuron/plugin.ts';
import { linear2Plugin } from './linear2/plugin.ts';
import { mlpPlugin } from './mlp/plugin.ts';

/** All models, in the order of the header's model switch; the first is the default page. */
export const MODELS: readonly ModelPlugin[] = [
  singleNeuronPlugin as unknown as ModelPlugin,
  relu2Plugin as unknown as ModelPlugin,
  linear2Plugin as unknown as ModelPlugin,
  mlpPlugin as unknown as ModelPlugin,
];

/** The default model (the page without `model=` in the hash, a config without "model"). */
export const DEFAULT_MODEL: ModelPlugin = MODELS[0];

/** Registered ids, for messages. */
export const MODEL_IDS: readonly string[] = MODELS.map((m) => m.id);

/** The model with this id, or undefined. */
export function findModel(id: string): ModelPlugin | undefined {
  return MODELS.find((m) => m.id === id);
}

/**
 * The model named by a URL hash's `model=` key (the default model when absent).
 * @returns undefined for an unknown id (the caller reports it and falls back to the default).
 */
export function modelOfHash(hash: string): { plugin: ModelPlugin | undefined; id: string } {
  const m = /(?:^#?|&)model=([^&]*)/.exec(hash);
  let id = DEFAULT_MODEL.id;
  try { if (m) id = decodeURIComponent(m[1]); } catch { id = m![1]; } // a bad encoding names no model

  return { plugin: findModel(id), id };
}
