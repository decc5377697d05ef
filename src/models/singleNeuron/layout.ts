/**
 * GPU memory layout of the single-neuron model (docs/theory.md §1). Shared by the kernels, the renderer,
 * the CLI readback and the f64 CPU backend (src/theory/ensemble.ts uses the same SoA order).
 *
 * - `state`: f32, structure of arrays, (d+1) components × n trajectories. Component 0 is a,
 *   component 1+j is w_j; element (c, i) is at `c*n + i`.
 * - `flags`: u32 × n; bit {@link DIVERGED_FLAG} set when the trajectory left the bound and was frozen.
 * - `info`: f32 × 2n; `info[i]` = δ at t = 0, `info[n+i]` = η_w a₀² + η_a‖w₀‖² (the scale δ is a
 *   difference of; relative δ drift is measured against it).
 */
import { defineStruct } from '../../gpu/struct.ts';

/** Largest input dimension d the kernels are compiled for (uniform arrays hold 16 and 16×16 floats). */
export const MAX_D = 16;
/** Threads per workgroup of every single-neuron compute kernel (a WGSL `override`). */
export const WORKGROUP_SIZE = 64;
/** Flag bit: trajectory diverged and is frozen at its last finite state. */
export const DIVERGED_FLAG = 1;

/** Uniforms of the step and metrics kernels. `xx` is XX row-major (d×d), `xy` is Xy (d), zero-padded. */
export const STEP_PARAMS = defineStruct('StepParams', [
  { name: 'n', type: 'u32' },
  { name: 'steps', type: 'u32' },
  { name: 'h', type: 'f32' },
  { name: 'etaA', type: 'f32' },
  { name: 'etaW', type: 'f32' },
  { name: 'bound', type: 'f32' },
  // Start norm² a² + ‖w‖² under which a block of CHECK_BLOCK steps runs unchecked (growthBound.ts); < 0: never.
  { name: 'safeNorm2', type: 'f32' },
  { name: 'xy', type: { vec4Array: MAX_D / 4 } },
  { name: 'xx', type: { vec4Array: (MAX_D * MAX_D) / 4 } },
  { name: 'betaOls', type: { vec4Array: MAX_D / 4 } },
]);

/** Summary written by the metrics kernel (u32 words): max relative δ drift (f32 bits), diverged count, max excess loss (f32 bits). */
export const SUMMARY_WORDS = 4;

/**
 * Uniforms of the exact-solution kernel (docs/theory.md §1.3) for XX = σ²I and any layer rates, mapped to the
 * whitened unit-rate problem on the host: â = scaleA·a, ŵ = scaleW·w, δ̂ = deltaScale·δ, β* = betaStar.
 * Results map back by dividing by scaleA, scaleW.
 */
export const EXACT_PARAMS = defineStruct('ExactParams', [
  { name: 'n', type: 'u32' },
  { name: 't', type: 'f32' },
  { name: 'scaleA', type: 'f32' },
  { name: 'scaleW', type: 'f32' },
  { name: 'deltaScale', type: 'f32' },
  { name: 'betaStar', type: { vec4Array: MAX_D / 4 } },
]);

/**
 * Uniforms of the observables kernel. `xx` = XX and `xx2` = XX² (row-major d×d), `trXX2` = tr(XX²),
 * `betaOls` = XX⁺Xy (the target β*), `time` = t now, `epsilon` = the excess-loss threshold for t_ε,
 * `kernelThreshold` = the S threshold for t_S.
 */
export const OBSERVABLE_PARAMS = defineStruct('ObservableParams', [
  { name: 'n', type: 'u32' },
  { name: 'time', type: 'f32' },
  { name: 'epsilon', type: 'f32' },
  { name: 'etaA', type: 'f32' },
  { name: 'etaW', type: 'f32' },
  { name: 'trXX2', type: 'f32' },
  { name: 'kernelThreshold', type: 'f32' },
  { name: 'betaOls', type: { vec4Array: MAX_D / 4 } },
  { name: 'xx', type: { vec4Array: (MAX_D * MAX_D) / 4 } },
  { name: 'xx2', type: { vec4Array: (MAX_D * MAX_D) / 4 } },
]);

/**
 * Per-trajectory observables (docs/theory.md §1.2), f32 SoA, OBSERVABLES × n: row r of trajectory i at r·n + i.
 * ν = a‖w‖ (signed β norm), μ = ŵ·β̂* (alignment with the target), excess loss, kernel distance S(t),
 * max S so far, t_ε = first observed time with excess loss < ε, and t_S = first observed time with
 * S ≥ kernelThreshold (both −1 until then; resolution = how often the kernel runs).
 */
export const OBSERVABLE_ROWS = ['nu', 'mu', 'excessLoss', 'kernelDistance', 'maxKernelDistance', 'timeToEpsilon', 'timeToKernelMove'] as const;
export const OBSERVABLES = OBSERVABLE_ROWS.length;

/** Uniforms of the theory-error kernel. */
export const ERROR_PARAMS = defineStruct('ErrorParams', [{ name: 'n', type: 'u32' }]);

/**
 * Uniforms of the implicit-bias kernel (docs/theory.md §1.5): `proj` is the projector onto null(XX) (d×d
 * row-major), `betaOls` = XX⁺Xy, k = √(η_aη_w).
 */
export const LIMIT_PARAMS = defineStruct('LimitParams', [
  { name: 'n', type: 'u32' },
  { name: 'etaA', type: 'f32' },
  { name: 'etaW', type: 'f32' },
  { name: 'k', type: 'f32' },
  { name: 'betaOls', type: { vec4Array: MAX_D / 4 } },
  { name: 'proj', type: { vec4Array: (MAX_D * MAX_D) / 4 } },
]);

/** Most trajectories the time-series recorder follows at once, and the samples its ring keeps. */
export const RECORDER = { maxSelected: 64, slots: 512 } as const;
/** Rows of one recorded sample: time t, then ν, μ, excess loss and S (OBSERVABLE_ROWS 0..3). */
export const RECORDED_ROWS = ['time', 'nu', 'mu', 'excessLoss', 'kernelDistance'] as const;
/** Uniforms of the recorder's gather kernel. */
export const RECORD_PARAMS = defineStruct('RecordParams', [
  { name: 'n', type: 'u32' },
  { name: 'count', type: 'u32' },
  { name: 'slot', type: 'u32' },
  { name: 'time', type: 'f32' },
]);
