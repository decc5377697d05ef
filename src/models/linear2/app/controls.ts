/**
 * lil-gui panel of the linear2 app, generated from LINEAR2_SCHEMA (src/app/controls.ts addSchemaFolders: one
 * controller per field, folders by topic) plus the run and export buttons. Every edit goes through `onChange`,
 * which validates; a rejected value reverts, so the panel always shows what runs.
 */
import GUI from 'lil-gui';
import { addSchemaFolders } from '../../../app/controls.ts';
import { LINEAR2_SCHEMA } from '../params.ts';
import type { Linear2AppParams } from './experiment.ts';

type Name = keyof Linear2AppParams & string;

/** Folder layout: title → fields, in display order. */
export const LINEAR2_FOLDERS: Record<string, Name[]> = {
  run: ['preset', 'method', 'step', 'tEnd', 'stepsPerFrame'],
  data: ['data', 'd', 'c', 'n', 'rank', 'norm', 'noise', 'dataSeed', 'XX', 'XY'],
  'network & init grid': ['h', 'init', 'deltaSigns', 'etaW', 'etaA', 'deltaMin', 'deltaMax', 'deltaCount', 'logTauMin', 'logTauMax', 'tauCount', 'seeds', 'seed', 'bound'],
  view: ['metric', 'sel'],
};

/** Buttons of the panel. */
export interface Linear2PanelActions { playPause(): void; step(): void; reset(): void; exportCsv(): void; exportJson(): void }

/** The panel handle. */
export interface Linear2Controls {
  sync(params: Linear2AppParams): void;
  setVisible(name: Name, visible: boolean): void;
  destroy(): void;
}

/** Builds the panel. @param onChange one field's new value; false when rejected (the field reverts). */
export function createLinear2Controls(current: () => Linear2AppParams, onChange: (name: Name, value: unknown) => boolean, actions: Linear2PanelActions): Linear2Controls {
  const gui = new GUI({ title: 'lazyrich · linear2', width: 270 });
  const fields = addSchemaFolders(gui, LINEAR2_SCHEMA, LINEAR2_FOLDERS, current, onChange);
  const buttons = { ...actions };
  const run = fields.folders.run;
  run.add(buttons, 'playPause').name('pause / run (space)').domElement.dataset.action = 'play-pause';
  run.add(buttons, 'step').name('→ one step');
  run.add(buttons, 'reset').name('↺ restart from t = 0 (r)');
  const out = gui.addFolder('export');
  out.add(buttons, 'exportCsv').name('networks now → CSV');
  out.add(buttons, 'exportJson').name('networks + history → JSON');
  return { sync: fields.sync, setVisible: fields.setVisible, destroy() { gui.destroy(); } };
}
