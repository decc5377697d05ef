/**
 * src/theory: pure float64 maths of docs/theory.md §1 — the oracle every GPU kernel is tested against and
 * the CPU backend. No DOM, no GPU, no imports from outside this folder.
 */
export * from './linalg.ts';
export * from './singleNeuron.ts';
export * from './exact.ts';
export * from './adaptive.ts';
export * from './ensemble.ts';
export * from './betaFlow.ts';
export * from './relu2.ts';
export * from './linear2.ts';
export * from './linear2Metrics.ts';
export * from './linear2Svd.ts';
