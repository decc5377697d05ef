/**
 * The relu2 model (docs/theory.md §3): two-layer (leaky) ReLU networks trained by full-batch GD, many at once.
 * - data.ts: seeded teacher–student data, symmetrised (τ, δ|α) init, Fig. 1b grids;
 * - spec.ts: what a run is made of and its limits; layout.ts: GPU buffer layouts and kernel shapes;
 * - sim.ts: the GPU ensemble (Relu2Sim); cpu.ts: the same in f64 on the CPU.
 */
export * from './data.ts';
export * from './layout.ts';
export * from './spec.ts';
export * from './sim.ts';
export * from './cpu.ts';
