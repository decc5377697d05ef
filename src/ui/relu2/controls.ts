/**
 * lil-gui panel of the relu2 app, generated from RELU2_SCHEMA (one controller per field, folders by
 * topic) plus the upload and export buttons. Every edit goes through `onChange`, which validates; a
 * rejected value is reverted so the panel always shows what is running.
 */
import GUI, { type Controller } from 'lil-gui';
import type { Field } from '../../params/schema.ts';
import { RELU2_SCHEMA, type Relu2AppParams } from '../../models/relu2/params.ts';

type Name = keyof Relu2AppParams & string;

/** Folder layout: title → fields, in display order. */
export const RELU2_FOLDERS: Record<string, Name[]> = {
  experiment: ['preset', 'experiment', 'batch'],
  data: ['data', 'd', 'n', 'nTest', 'm0', 'seeds', 'seed'],
  'network & init grid': ['m', 'activation', 'slope', 'logTauMin', 'logTauMax', 'tauCount', 'shape', 'deltaMin', 'deltaMax',
    'deltaCount', 'logAlphaMin', 'logAlphaMax', 'alphaCount'],
  training: ['etaBase', 'etaScale', 'steps', 'checkpoints'],
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
  const proxy: Record<string, unknown> = {};
  const load = (p: Relu2AppParams) => { for (const name of Object.keys(RELU2_SCHEMA)) proxy[name] = (p as Record<string, unknown>)[name]; };
  load(current());
  const controllers = new Map<string, Controller>();
  const buttons = { ...actions };
  for (const [title, names] of Object.entries(RELU2_FOLDERS)) {
    const folder = gui.addFolder(title);
    for (const name of names) controllers.set(name, addField(folder, proxy, name, RELU2_SCHEMA[name]));
    if (title === 'data') {
      folder.add(buttons, 'uploadTrain').name('⇪ upload train CSV…').domElement.dataset.action = 'upload-train';
      folder.add(buttons, 'uploadTest').name('⇪ upload test CSV (optional)…').domElement.dataset.action = 'upload-test';
      folder.add(buttons, 'clearUpload').name('✕ forget uploaded data');
    }
  }
  const out = gui.addFolder('export');
  out.add(buttons, 'exportJson').name('grid results → JSON');
  out.add(buttons, 'exportCsv').name('grid results → CSV');
  out.add(buttons, 'pngMap').name('regime map → PNG');
  out.add(buttons, 'pngCells').name('portraits & curves → PNG');
  for (const [name, c] of controllers) {
    c.onFinishChange((value: unknown) => {
      if (!onChange(name as Name, value)) {
        load(current());
        c.updateDisplay();
      }
    });
  }
  return {
    gui,
    sync(p) {
      load(p);
      for (const c of controllers.values()) c.updateDisplay();
    },
    setVisible(name, visible) { controllers.get(name)?.show(visible); },
    destroy() { gui.destroy(); },
  };
}

function addField(folder: GUI, proxy: Record<string, unknown>, name: string, f: Field): Controller {
  let c: Controller;
  switch (f.type) {
    case 'enum': {
      const options: Record<string, string> = {};
      for (const o of f.options) options[f.optionLabels?.[o] ?? o] = o;
      c = folder.add(proxy, name, options);
      break;
    }
    case 'int': c = folder.add(proxy, name).step(1); break;
    default: c = folder.add(proxy, name);
  }
  c.name(f.units ? `${f.label} [${f.units}]` : f.label);
  if (f.help) c.domElement.title = f.help;
  c.domElement.dataset.field = name;
  return c;
}
