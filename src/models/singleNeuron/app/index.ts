/** The app half of the singleNeuron plugin (stub: src/main.ts still starts the app directly). */
import type { ModelApp } from '../../plugin.ts';

export const singleNeuronApp: ModelApp = { start: () => { throw new Error('not wired yet'); } };
