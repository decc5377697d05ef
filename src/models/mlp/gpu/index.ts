/**
 * The mlp plugin's GPU backend (issue 14 items 1–2): {@link MlpGpuBackend} trains an ensemble of deep ReLU MLPs and
 * computes the §4 metrics on the GPU; its job (fields, shapes, units) and validation are in job.ts.
 */
export { MlpGpuBackend, type MlpMetrics, type MlpGpuOptions } from './backend.ts';
export { MLP_GPU_LIMITS, mlpParamCount, scheduledLr, validateMlpGpuJob, type MlpGpuJob, type MlpGpuNetwork, type MlpGpuOptimizer, type MlpGpuSizes } from './job.ts';
