/** The CLI half of the singleNeuron plugin (stub: the commands in src/cli still call the model directly). */
import type { ModelCli } from '../plugin.ts';

export const singleNeuronCli: ModelCli = {
  help: '', progressUnit: 'steps',
  parseConfig: () => { throw new Error('not wired yet'); },
  simulate: () => { throw new Error('not wired yet'); },
};
