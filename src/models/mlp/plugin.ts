/**
 * Deep ReLU MLPs with α-scaled initialisation (docs/theory.md §4–§5, paper Part III, issue 14) as a plugin: schema and
 * presets in params.ts, the CLI half in cli.ts (f64 CPU backend; the GPU backend comes from src/models/mlp/gpu/), the
 * app half in app/ (loaded lazily). Listed in src/models/registry.ts.
 */
import type { ModelPlugin } from '../plugin.ts';
import { mlpExamples } from './examples.ts';
import { estimateMlpParams } from './estimate.ts';
import { MLP_TOUR } from './tour.ts';
import { checkMlpParams, mlpAppConfig, MLP_PRESETS, MLP_SCHEMA, MLP_VIEW_FIELDS, type MlpSchema } from './params.ts';

/** The registered mlp plugin (id 'mlp'): CLI and app. */
export const mlpPlugin: ModelPlugin<MlpSchema> = {
  id: 'mlp',
  title: 'deep MLP',
  subtitle: 'deep ReLU MLPs f(x) = W_L σ(⋯ σ(W_1 x)), first layer ÷ α · random hierarchy model (Fig. 6c) and grokking of “Get rich quick” (Kunin et al., NeurIPS 2024)',
  schema: MLP_SCHEMA,
  presets: MLP_PRESETS,
  viewFields: MLP_VIEW_FIELDS,
  urlVersion: 1,
  checkParams: checkMlpParams,
  appConfig: (p) => mlpAppConfig(p),
  estimate: estimateMlpParams,
  metrics: [
    { key: 'trainLoss', label: 'train loss', scale: 'log', theory: '§4' },
    { key: 'trainAccuracy', label: 'train accuracy', scale: 'linear', theory: '§4' },
    { key: 'testLoss', label: 'test loss', scale: 'log', theory: '§4' },
    { key: 'testAccuracy', label: 'test accuracy', scale: 'linear', theory: '§4' },
    { key: 'kernelDistance', label: 'kernel distance S(0, t) of the empirical NTK', scale: 'linear', theory: '§1.2, §4' },
    { key: 'hamming', label: 'Hamming distance of activation patterns', scale: 'linear', theory: '§4' },
    { key: 'paramDistance', label: '‖θ_t − θ₀‖', scale: 'log', theory: '§4' },
  ],
  examples: mlpExamples,
  tour: MLP_TOUR,
  loadCli: () => import('./cli.ts').then((m) => m.mlpCli as never),
  loadApp: () => import('./app/index.ts').then((m) => m.mlpApp as never),
};
