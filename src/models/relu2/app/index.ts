/** The app half of the relu2 plugin (stub: src/main.ts still starts the app directly). */
import type { ModelApp } from '../../plugin.ts';

export const relu2App: ModelApp = { start: () => { throw new Error('not wired yet'); } };
