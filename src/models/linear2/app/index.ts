/** The browser half of the linear2 plugin: not built yet (issue 13 item 2); starting it throws. */
import type { ModelApp } from '../../plugin.ts';

/** Throws 'linear2 has no app view yet' when started. */
export const linear2App: ModelApp = {
  start: () => Promise.reject(new Error('linear2 has no app view yet')),
};
