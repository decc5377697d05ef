/**
 * Two-layer linear networks f(x) = AᵀWx (docs/theory.md §2, paper Part II) as a plugin: schema and presets in
 * params.ts, the CLI half in cli.ts, the app half in app/ (singular values over time with the mirror-flow
 * prediction, the final spectrum against δ, the τ × δ regime map). Listed in src/models/registry.ts.
 */
import type { ModelPlugin } from '../plugin.ts';
import { linear2Examples } from './examples.ts';
import { checkLinear2Params, linear2AppConfig, LINEAR2_PRESETS, LINEAR2_SCHEMA, LINEAR2_VIEW_FIELDS, type Linear2Schema } from './params.ts';
import { LINEAR2_TOUR } from './tour.ts';

/** The registered linear2 plugin (id 'linear2'). */
export const linear2Plugin: ModelPlugin<Linear2Schema> = {
  id: 'linear2',
  title: 'two-layer linear',
  subtitle: 'wide two-layer linear f(x) = AᵀWx · Theorem 4.2 and the singular-value mirror flow of “Get rich quick” (Kunin et al., NeurIPS 2024)',
  schema: LINEAR2_SCHEMA,
  presets: LINEAR2_PRESETS,
  viewFields: new Set(LINEAR2_VIEW_FIELDS),
  urlVersion: 1,
  checkParams: checkLinear2Params,
  appConfig: linear2AppConfig,
  metrics: [
    { key: 'loss', label: 'loss L(β)', scale: 'log', theory: '§2' },
    { key: 'deltaDrift', label: 'relative Δ drift ‖Δ − Δ₀‖/(η_W‖A₀‖² + η_A‖W₀‖²)', scale: 'log', theory: '§2' },
    { key: 'kernelDistance', label: 'kernel distance S(t) of the NTK', scale: 'linear', theory: '§2' },
    { key: 'singularValues', label: 'singular values of β', scale: 'linear', theory: '§2 (Thm B.6)' },
  ],
  examples: linear2Examples,
  loadCli: () => import('./cli.ts').then((m) => m.linear2Cli as never),
  tour: LINEAR2_TOUR,
  loadApp: () => import('./app/index.ts').then((m) => m.linear2App as never),
};
