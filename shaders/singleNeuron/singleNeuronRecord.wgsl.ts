/**
 * Gathers the observables of the selected trajectories into one slot of a ring buffer on the GPU, so the
 * time series need no per-step readback. Ring layout (f32): sample (slot s, selected k, row r) at
 * (s · maxSelected + k) · rows + r, rows = RECORDED_ROWS (t, ν, μ, excess loss, S).
 */
import { RECORD_PARAMS, RECORDED_ROWS, RECORDER } from '../../src/models/singleNeuron/layout.ts';
import { analysisHeader } from './singleNeuronAnalysis.wgsl.ts';

/** Kernel `main`, one thread per selected trajectory. Bindings: 0 uniform, 1 selection (u32), 2 observables (rows × n), 3 ring. */
export function singleNeuronRecordShader(): string {
  return /* wgsl */ `
${analysisHeader({ params: RECORD_PARAMS, storage: [['selection', 'read', 'u32'], ['obs', 'read', 'f32'], ['ring', 'read_write', 'f32']] })}
const ROWS: u32 = ${RECORDED_ROWS.length}u;
const MAX_SELECTED: u32 = ${RECORDER.maxSelected}u;

@compute @workgroup_size(MAX_SELECTED)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let k = gid.x;
  if (k >= P.count) { return; }
  let i = selection[k];
  let base = (P.slot * MAX_SELECTED + k) * ROWS;
  ring[base] = P.time;
  for (var r = 1u; r < ROWS; r++) { ring[base + r] = obs[(r - 1u) * P.n + i]; }
}
`;
}
