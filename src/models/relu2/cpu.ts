/**
 * The relu2 model on the CPU in float64 (src/theory/relu2.ts): the same spec and the same per-network
 * metrics as {@link Relu2Sim}, for the CLI's `backend: "cpu"` and the fallback without WebGPU. Slow:
 * one network at a time, about 2·m·n·d multiply–adds per GD step.
 */
import { trainRelu2, type Relu2Params } from '../../theory/index.ts';
import type { Relu2NetworkMetrics } from './sim.ts';
import { DEFAULT_BOUND, type Relu2SimSpec } from './spec.ts';

/** Result of {@link simulateRelu2Cpu}: metrics[q][c] of network q at checkpoint c, and the final parameters. */
export interface Relu2CpuResult {
  metrics: Relu2NetworkMetrics[][];
  params: (Relu2Params & { diverged: boolean })[];
}

/**
 * Trains every network of `spec` by full-batch GD and records the metrics at `checkpoints` (GD step
 * counts, ascending, may include 0). Divergence semantics match the GPU: a step whose loss is
 * non-finite or > bound is not taken and the network stays frozen. The spec is not validated against
 * GPU limits (call validateRelu2Spec for that).
 * @param onProgress called after each network with (networks done, networks).
 * @param signal checked between networks; aborting throws its reason.
 * @throws Error on invalid checkpoints or a data/parameter shape mismatch (from trainRelu2).
 */
export async function simulateRelu2Cpu(
  spec: Relu2SimSpec, checkpoints: readonly number[], onProgress?: (done: number, total: number) => void, signal?: AbortSignal,
): Promise<Relu2CpuResult> {
  const slope = spec.slope ?? 0;
  const bound = spec.bound ?? DEFAULT_BOUND;
  const result: Relu2CpuResult = { metrics: [], params: [] };
  for (const [q, net] of spec.networks.entries()) {
    signal?.throwIfAborted();
    const { records, divergedAtStep } = trainRelu2(net.init, spec.datasets[net.dataIndex], { eta: net.eta, slope, checkpoints, bound });
    result.metrics.push(records.map(({ params: _p, ...m }) => ({
      ...m,
      stepsTaken: divergedAtStep === null ? m.step : Math.min(m.step, divergedAtStep),
      diverged: divergedAtStep !== null && divergedAtStep < m.step,
    })));
    const last = records[records.length - 1]?.params ?? net.init;
    result.params.push({ ...last, diverged: divergedAtStep !== null });
    onProgress?.(q + 1, spec.networks.length);
    await new Promise((resolve) => setTimeout(resolve, 0)); // let a UI breathe between networks
  }
  return result;
}
