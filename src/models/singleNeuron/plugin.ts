/**
 * The single-neuron model f(x) = a wᵀx (docs/theory.md §1) as a plugin: schema and presets here, the
 * CLI half in cli.ts, the app half in app/. Listed in src/models/registry.ts.
 */
import { singleNeuronExamples } from './examples.ts';
import type { ModelPlugin } from '../plugin.ts';
import { singleNeuronAppConfig } from './appConfig.ts';
import { estimateSingleNeuronParams } from './estimate.ts';
import {
  checkCrossFields, PRESETS, SINGLE_NEURON_SCHEMA, SINGLE_NEURON_VIEW_FIELDS, type SingleNeuronSchema,
} from './params.ts';
import { SINGLE_NEURON_TOUR } from './tour.ts';

/** The single-neuron plugin (registered in src/models/registry.ts). */
export const singleNeuronPlugin: ModelPlugin<SingleNeuronSchema> = {
  id: 'single-neuron',
  title: 'single neuron',
  subtitle: 'single neuron f(x) = a wᵀx · Figs. 2–4 and 8 of “Get rich quick” (Kunin et al., NeurIPS 2024)',
  schema: SINGLE_NEURON_SCHEMA,
  presets: PRESETS,
  viewFields: SINGLE_NEURON_VIEW_FIELDS,
  urlVersion: 1,
  urlOverrideKeepsPreset: true,
  checkParams: checkCrossFields,
  appConfig: singleNeuronAppConfig,
  estimate: estimateSingleNeuronParams,
  metrics: [
    { key: 'delta', label: 'δ = η_w a² − η_a‖w‖² (conserved)', scale: 'linear', theory: '§1' },
    { key: 'nu', label: 'ν = a‖w‖ (signed norm of β)', scale: 'linear', theory: '§1.2', closedForm: true },
    { key: 'mu', label: 'μ = ŵ·β̂* (alignment)', scale: 'linear', theory: '§1.2', closedForm: true },
    { key: 'kernelDistance', label: 'kernel distance S(t)', scale: 'linear', theory: '§1.2', closedForm: true },
    { key: 'excessLoss', label: 'excess loss', scale: 'log', theory: '§1.5', closedForm: true },
  ],
  examples: singleNeuronExamples,
  loadCli: () => import('./cli.ts').then((m) => m.singleNeuronCli),
  tour: SINGLE_NEURON_TOUR,
  loadApp: () => import('./app/index.ts').then((m) => m.singleNeuronApp),
};
