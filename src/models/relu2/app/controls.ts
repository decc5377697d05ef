/**
 * lil-gui panel of the relu2 app, generated from RELU2_SCHEMA (one controller per field, folders by
 * topic) plus the upload and export buttons. Every edit goes through `onChange`, which validates; a
 * rejected value is reverted so the panel always shows what is running.
 */
import GUI from 'lil-gui';
import { addSchemaFolders } from '../../../app/controls.ts';
import { RELU2_SCHEMA, type Relu2AppParams } from '../params.ts';

type Name = keyof Relu2AppParams & string;

/** Folder layout: title → fields, in display order. */
export const RELU2_FOLDERS: Record<string, Name[]> = {
  experiment: ['preset', 'experiment', 'batch'],
  data: ['data', 'd', 'n', 'nTest', 'm0', 'seeds', 'seed'],
  'network & init grid': ['m', 'activation', 'slope', 'logTauMin', 'logTauMax', 'tauCount', 'shape', 'deltaMin', 'deltaMax',
    'deltaCount', 'logAlphaMin', 'logAlphaMax', 'alphaCount'],
  training: ['etaBase', 'etaScale', 'steps', 'checkpoints', 'kernel'],
  view: ['metric', 'at'],
};

/** Buttons of the panel. */
export interface Relu2PanelActions {
  uploadTrain(): void;
  uploadTest(): void;
  clearUpload(): void;
  exportJson(): void;
  exportCsv(): void;
  pngMap(): void;
  pngCells(): void;
}

/** The panel handle. */
export interface Relu2Controls {
  gui: GUI;
  /** Shows the current params (after any accepted change, e.g. a preset or the URL). */
  sync(params: Relu2AppParams): void;
  /** Shows or hides a field. */
  setVisible(name: Name, visible: boolean): void;
  destroy(): void;
}

/**
 * Builds the panel.
 * @param onChange called with one field's new value; returns false when rejected (the field reverts).
 */
export function createRelu2Controls(current: () => Relu2AppParams, onChange: (name: Name, value: unknown) => boolean, actions: Relu2PanelActions): Relu2Controls {
  const gui = new GUI({ title: 'lazyrich · relu2', width: 260 });
  const fields = addSchemaFolders(gui, RELU2_SCHEMA, RELU2_FOLDERS, current, onChange);
  const buttons = { ...actions };
  const data = fields.folders.data;
  data.add(buttons, 'uploadTrain').name('⇪ upload train CSV…').domElement.dataset.action = 'upload-train';
  data.add(buttons, 'uploadTest').name('⇪ upload test CSV (optional)…').domElement.dataset.action = 'upload-test';
  data.add(buttons, 'clearUpload').name('✕ forget uploaded data');
  const out = gui.addFolder('export');
  out.add(buttons, 'exportJson').name('grid results → JSON');
  out.add(buttons, 'exportCsv').name('grid results → CSV');
  out.add(buttons, 'pngMap').name('regime map → PNG');
  out.add(buttons, 'pngCells').name('portraits & curves → PNG');
  return { gui, sync: fields.sync, setVisible: fields.setVisible, destroy() { gui.destroy(); } };
}
