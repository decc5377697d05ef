/**
 * lil-gui panel of the single-neuron app: the run buttons, then the schema's folders (built by the
 * shell's generic builder, src/app/controls.ts).
 */
import GUI, { NumberController } from 'lil-gui';
import type { Params, Schema } from '../../../params/schema.ts';
import { addSchemaFolders, type FolderLayout } from '../../../app/controls.ts';
import type { SingleNeuronParams } from '../params.ts';

/** The single-neuron panel's folders (the run folder comes first, built by createControls). */
export const SINGLE_NEURON_FOLDERS = {
  // The view folder first: reachable without scrolling the panel at 1280 × 800 (issue 10, defect 7).
  view: ['view', 'surfaceDelta', 'colorBy', 'deltaScale', 'trails', 'trailDecay', 'pointSize'],
  'model & data': ['preset', 'd', 'dataset', 'target', 'sample', 'label', 'samples', 'noise', 'dataSeed'],
  'initialisation grid': ['grid', 'deltaMin', 'deltaMax', 'deltaCount', 'beta0Norm', 'tauMin', 'tauMax', 'tauCount',
    'alphaMin', 'alphaMax', 'alphaCount', 'directions', 'seed'],
  training: ['etaA', 'etaW', 'method', 'step', 'stepsPerFrame', 'bound'],
  analysis: ['panels', 'mapMetric', 'epsilon', 'kernelThreshold', 'earlyTime'],
} satisfies Record<string, (keyof SingleNeuronParams)[]>;

/** Buttons of the run folder. */
export interface RunActions {
  playPause(): void;
  step(): void;
  reset(): void;
  reseed(): void;
  inspect(): void;
  savePng(): void;
  exportCsv(): void;
  exportJson(): void;
}

/** The panel handle. */
export interface ControlsHandle<S extends Schema> {
  gui: GUI;
  /** Shows the current params (call after any accepted change, e.g. a preset or the URL). */
  sync(params: Params<S>): void;
  /** Shows or hides a field's controller (e.g. τ fields only for the τ × α grid). */
  setVisible(name: keyof S & string, visible: boolean): void;
  /** Updates the label of the play/pause button. */
  setPlaying(playing: boolean): void;
  destroy(): void;
}

/**
 * Builds the single-neuron panel: the run buttons, then the schema's folders.
 * @param onChange called with one field's new value; returns false when the value was rejected, and the
 *   controller then reverts to `current()`.
 * @param decimals fields shown rounded to that many decimals (the value keeps full precision), e.g. fig4b's
 *   ‖β₀‖ = 0.5·√0.65 shows as 0.403.
 */
export function createControls<S extends Schema>(
  schema: S, layout: FolderLayout<S>, current: () => Params<S>,
  onChange: (name: keyof S & string, value: unknown) => boolean, actions: RunActions,
  decimals: Partial<Record<keyof S & string, number>> = {},
): ControlsHandle<S> {
  // Wide enough for the dropdown labels; the page layout follows through --gui-w (src/app/style.css).
  const width = window.innerWidth < 1300 ? 270 : 310;
  document.documentElement.style.setProperty('--gui-w', `${width + 15}px`); // lil-gui auto-places at right: 15px
  const gui = new GUI({ title: 'lazyrich', width });
  const run = gui.addFolder('run');
  const buttons = {
    play: () => actions.playPause(), step: () => actions.step(), reset: () => actions.reset(),
    reseed: () => actions.reseed(), inspect: () => actions.inspect(), png: () => actions.savePng(),
    csv: () => actions.exportCsv(), json: () => actions.exportJson(),
  };
  const playButton = run.add(buttons, 'play').name('❚❚ pause');
  run.add(buttons, 'step').name('single step');
  run.add(buttons, 'reset').name('reset to t = 0');
  run.add(buttons, 'reseed').name('reseed');
  run.add(buttons, 'inspect').name('inspect (when paused)');
  run.add(buttons, 'png').name('save PNG');
  run.add(buttons, 'csv').name('export CSV');
  run.add(buttons, 'json').name('export JSON');
  const fields = addSchemaFolders(gui, schema, layout, current, onChange);
  // Labels 38 %, widgets 62 %: dropdowns show their whole option label (issue 10, defect 7).
  for (const el of [gui.domElement, ...gui.domElement.querySelectorAll<HTMLElement>('.lil-gui')]) el.style.setProperty('--name-width', '38%');
  for (const c of gui.controllersRecursive()) {
    const k = decimals[c.property as keyof S & string];
    if (k !== undefined && c instanceof NumberController) c.decimals(k);
  }
  return {
    gui,
    sync: fields.sync,
    setVisible: fields.setVisible,
    setPlaying(playing) { playButton.name(playing ? '❚❚ pause' : '▶ play'); },
    destroy() { gui.destroy(); },
  };
}


/** Shows only the controls that apply to `p` (the dataset's, the grid's, the analysis and 3-D ones when on). */
export function showRelevantControls(controls: { setVisible(name: keyof SingleNeuronParams, visible: boolean): void }, p: SingleNeuronParams): void {
  const show = (names: (keyof SingleNeuronParams)[], visible: boolean) => names.forEach((n) => controls.setVisible(n, visible));
  show(['target'], p.dataset === 'whitened');
  show(['sample', 'label'], p.dataset === 'lowrank');
  show(['samples', 'noise', 'dataSeed'], p.dataset === 'gaussian');
  show(['deltaMin', 'deltaMax', 'deltaCount', 'beta0Norm'], p.grid === 'delta');
  show(['tauMin', 'tauMax', 'tauCount', 'alphaMin', 'alphaMax', 'alphaCount'], p.grid === 'tauAlpha');
  show(['mapMetric', 'epsilon', 'kernelThreshold', 'earlyTime'], p.panels);
  show(['surfaceDelta'], p.view === '3d');
}
