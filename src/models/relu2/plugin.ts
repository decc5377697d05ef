/**
 * Two-layer (leaky) ReLU networks f(x) = Σ_k a_k σ(w_kᵀx) trained by full-batch GD (docs/theory.md §3)
 * as a plugin: schema and presets here, the CLI half in cli.ts, the app half in app/. Listed in
 * src/models/registry.ts.
 */
import { relu2Examples } from './examples.ts';
import type { ModelPlugin } from '../plugin.ts';
import { relu2ConfigFromParams, relu2ConfigJson } from './appConfig.ts';
import { estimateRelu2Params } from './estimate.ts';
import { checkRelu2Params, RELU2_PRESETS, RELU2_SCHEMA, type Relu2Schema } from './params.ts';
import { RELU2_TOUR } from './tour.ts';

/** The relu2 plugin (registered in src/models/registry.ts). */
export const relu2Plugin: ModelPlugin<Relu2Schema> = {
  id: 'relu2',
  title: 'two-layer ReLU',
  subtitle: 'two-layer ReLU f(x) = Σₖ aₖ σ(wₖᵀx) · Fig. 1 of “Get rich quick” (Kunin et al., NeurIPS 2024)',
  schema: RELU2_SCHEMA,
  presets: RELU2_PRESETS,
  viewFields: new Set(['metric', 'at', 'kernel']), // kernel: same networks, so a preset keeps its name
  urlVersion: 1,
  checkParams: checkRelu2Params,
  appConfig: (p) => relu2ConfigJson(relu2ConfigFromParams(p, null)),
  estimate: estimateRelu2Params,
  metrics: [
    { key: 'trainLoss', label: 'train loss (1/n) Σ (f(xᵢ) − yᵢ)²', scale: 'log', theory: '§3' },
    { key: 'testLoss', label: 'test loss', scale: 'log', theory: '§3' },
    { key: 'hamming', label: 'Hamming distance H of activation patterns', scale: 'linear', theory: '§3' },
    { key: 'paramDistance', label: '‖θ_t − θ₀‖', scale: 'linear', theory: '§3' },
    { key: 'kernelDistance', label: 'kernel distance S of the NTK', scale: 'linear', theory: '§3' },
    { key: 'deltaDrift', label: 'max_k |δ_k(t) − δ_k(0)|', scale: 'log', theory: '§3' },
  ],
  examples: relu2Examples,
  loadCli: () => import('./cli.ts').then((m) => m.relu2Cli),
  tour: RELU2_TOUR,
  loadApp: () => import('./app/index.ts').then((m) => m.relu2App),
};
