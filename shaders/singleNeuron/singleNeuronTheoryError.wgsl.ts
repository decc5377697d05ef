/**
 * Theory error field: per trajectory, err = max over components c of |simulated_c − exact_c| (both SoA,
 * (d+1)·n f32), written to `err` and reduced into [max bits, diverged-skipped count, histogram of log10 err].
 * Diverged (flagged) trajectories are skipped and get err = −1.
 */
import { ERROR_PARAMS } from '../../src/models/singleNeuron/layout.ts';
import { analysisHeader, perTrajectoryEntry, threadIndex } from './singleNeuronAnalysis.wgsl.ts';
import { logHistogramWgsl } from '../logHistogram.wgsl.ts';

/** Kernel `main`. Bindings: 0 uniform, 1 state, 2 exact, 3 flags, 4 err (n), 5 reduction (2 + bins u32, atomic). */
export function singleNeuronTheoryErrorShader(options: { d: number }): string {
  return /* wgsl */ `
${analysisHeader({
    params: ERROR_PARAMS, d: options.d,
    storage: [['state', 'read', 'f32'], ['exact', 'read', 'f32'], ['flags', 'read', 'u32'], ['err', 'read_write', 'f32'], ['reduction', 'read_write', 'atomic<u32>']],
  })}
${logHistogramWgsl()}

${perTrajectoryEntry} {
  ${threadIndex}
  if (i >= P.n) { return; }
  if ((flags[i] & 1u) != 0u) { err[i] = -1.0; recordSkipped(); return; }
  var e = 0.0;
  for (var c = 0u; c <= D; c++) { e = max(e, abs(state[c * P.n + i] - exact[c * P.n + i])); }
  err[i] = e;
  recordValue(e);
}
`;
}
