/** The CLI half of the relu2 plugin (stub: the commands in src/cli still call the model directly). */
import type { ModelCli } from '../plugin.ts';

export const relu2Cli: ModelCli = {
  help: '', progressUnit: 'steps',
  parseConfig: () => { throw new Error('not wired yet'); },
  simulate: () => { throw new Error('not wired yet'); },
};
