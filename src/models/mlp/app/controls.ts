/**
 * lil-gui panel of the mlp app, generated from MLP_SCHEMA (src/app/controls.ts: one controller per field, folders by
 * topic) plus the run, upload and export buttons. Every edit goes through `onChange`, which validates (the shell's
 * session); a rejected value is reverted so the panel always shows what is running.
 */
import GUI from 'lil-gui';
import { addSchemaFolders } from '../../../app/controls.ts';
import { MLP_SCHEMA } from '../params.ts';
import type { MlpAppParams } from './experiment.ts';

type Name = keyof MlpAppParams & string;

/** Folder layout: title → fields, in display order. Every schema field appears once. */
export const MLP_FOLDERS: Record<string, Name[]> = {
  experiment: ['preset', 'backend'],
  data: ['task', 'levels', 'classes', 'synonyms', 'branching', 'vocabulary', 'testSize', 'modulus', 'trainFraction', 'dataSeed'],
  'network & grid': ['width', 'hidden', 'bias', 'alphas', 'taus', 'trainSizes', 'seeds', 'seed', 'scaleReadout'],
  training: ['loss', 'optimizer', 'lr', 'momentum', 'cosine', 'decayFraction', 'beta1', 'beta2', 'weightDecay', 'batchSize', 'steps', 'checkpoints', 'probe'],
  view: ['metric', 'at', 'net', 'band'],
};

/** Buttons of the panel. */
export interface MlpPanelActions {
  runAgain(): void; cancelResume(): void;
  uploadTrain(): void; uploadTest(): void; clearUpload(): void;
  exportJson(): void; exportCsv(): void; exportPng(): void;
}

/** The panel handle. */
export interface MlpControls {
  gui: GUI;
  sync(params: MlpAppParams): void;
  setVisible(name: Name, visible: boolean): void;
  destroy(): void;
}

/** Builds the panel. @param onChange one field's new value; returns false when rejected (the field reverts). */
export function createMlpControls(current: () => MlpAppParams, onChange: (name: Name, value: unknown) => boolean, actions: MlpPanelActions): MlpControls {
  const gui = new GUI({ title: 'lazyrich · mlp', width: 270 });
  const fields = addSchemaFolders(gui, MLP_SCHEMA, MLP_FOLDERS, current, onChange);
  const b = { ...actions };
  const ex = fields.folders.experiment;
  ex.add(b, 'runAgain').name('↺ run again from θ₀ (r)');
  ex.add(b, 'cancelResume').name('cancel / resume the run (space)');
  const data = fields.folders.data;
  data.add(b, 'uploadTrain').name('⇪ upload CSV (x_1,…,x_d,label)…').domElement.dataset.action = 'upload-train';
  data.add(b, 'uploadTest').name('⇪ upload test CSV (optional)…').domElement.dataset.action = 'upload-test';
  data.add(b, 'clearUpload').name('✕ forget uploaded data');
  const out = gui.addFolder('export');
  out.add(b, 'exportJson').name('results → JSON (CLI shape + config)');
  out.add(b, 'exportCsv').name('metrics per network × checkpoint → CSV');
  out.add(b, 'exportPng').name('all panels → PNG');
  return { gui, sync: fields.sync, setVisible: fields.setVisible, destroy() { gui.destroy(); } };
}
