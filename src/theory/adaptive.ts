/**
 * Adaptive Dormand–Prince 8(5,3) integrator (DOP853, Hairer & Wanner; coefficients and step control
 * as in scipy.integrate's DOP853), the high-accuracy oracle for the flows of docs/theory.md §1.
 * Requested output times are hit exactly by clamping the step (no dense output).
 */
import { flowRhs, type LayerRates, type NeuronState, type SingleNeuronData } from './singleNeuron.ts';

/** Nodes c_i of the 12 stages (scipy dop853_coefficients.C[:12]). */
export const DOP853_C: readonly number[] = [
  0.0,
  0.526001519587677318785587544488e-1,
  0.789002279381515978178381316732e-1,
  0.118350341907227396726757197510,
  0.281649658092772603273242802490,
  0.333333333333333333333333333333,
  0.25,
  0.307692307692307692307692307692,
  0.651282051282051282051282051282,
  0.6,
  0.857142857142857142857142857142,
  1.0,
];

/** Runge–Kutta matrix, row i holds a_{i,0..i-1} (scipy dop853_coefficients.A[:12, :12]). */
export const DOP853_A: readonly (readonly number[])[] = [
  [],
  [5.26001519587677318785587544488e-2],
  [1.97250569845378994544595329183e-2, 5.91751709536136983633785987549e-2],
  [2.95875854768068491816892993775e-2, 0, 8.87627564304205475450678981324e-2],
  [2.41365134159266685502369798665e-1, 0, -8.84549479328286085344864962717e-1, 9.24834003261792003115737966543e-1],
  [3.7037037037037037037037037037e-2, 0, 0, 1.70828608729473871279604482173e-1, 1.25467687566822425016691814123e-1],
  [3.7109375e-2, 0, 0, 1.70252211019544039314978060272e-1, 6.02165389804559606850219397283e-2, -1.7578125e-2],
  [3.70920001185047927108779319836e-2, 0, 0, 1.70383925712239993810214054705e-1, 1.07262030446373284651809199168e-1,
    -1.53194377486244017527936158236e-2, 8.27378916381402288758473766002e-3],
  [6.24110958716075717114429577812e-1, 0, 0, -3.36089262944694129406857109825, -8.68219346841726006818189891453e-1,
    2.75920996994467083049415600797e1, 2.01540675504778934086186788979e1, -4.34898841810699588477366255144e1],
  [4.77662536438264365890433908527e-1, 0, 0, -2.48811461997166764192642586468, -5.90290826836842996371446475743e-1,
    2.12300514481811942347288949897e1, 1.52792336328824235832596922938e1, -3.32882109689848629194453265587e1,
    -2.03312017085086261358222928593e-2],
  [-9.3714243008598732571704021658e-1, 0, 0, 5.18637242884406370830023853209, 1.09143734899672957818500254654,
    -8.14978701074692612513997267357, -1.85200656599969598641566180701e1, 2.27394870993505042818970056734e1,
    2.49360555267965238987089396762, -3.0467644718982195003823669022],
  [2.27331014751653820792359768449, 0, 0, -1.05344954667372501984066689879e1, -2.00087205822486249909675718444,
    -1.79589318631187989172765950534e1, 2.79488845294199600508499808837e1, -2.85899827713502369474065508674,
    -8.87285693353062954433549289258, 1.23605671757943030647266201528e1, 6.43392746015763530355970484046e-1],
];

/** 8th-order weights b_i (scipy dop853_coefficients.A[12, :12]). */
export const DOP853_B: readonly number[] = [
  5.42937341165687622380535766363e-2, 0, 0, 0, 0,
  4.45031289275240888144113950566, 1.89151789931450038304281599044, -5.8012039600105847814672114227,
  3.1116436695781989440891606237e-1, -1.52160949662516078556178806805e-1, 2.01365400804030348374776537501e-1,
  4.47106157277725905176885569043e-2,
];

/** 3rd-order error weights over the 12 stages + f(t+h, y_new) (scipy E3). */
export const DOP853_E3: readonly number[] = DOP853_B.map((b, i) => {
  if (i === 0) return b - 0.244094488188976377952755905512;
  if (i === 8) return b - 0.733846688281611857341361741547;
  if (i === 11) return b - 0.220588235294117647058823529412e-1;
  return b;
}).concat([0]);

/** 5th-order error weights over the 12 stages + f(t+h, y_new) (scipy E5). */
export const DOP853_E5: readonly number[] = [
  0.1312004499419488073250102996e-1, 0, 0, 0, 0,
  -0.1225156446376204440720569753e1, -0.4957589496572501915214079952, 0.1664377182454986536961530415e1,
  -0.3503288487499736816886487290, 0.3341791187130174790297318841, 0.8192320648511571246570742613e-1,
  -0.2235530786388629525884427845e-1, 0,
];

/** Options of {@link integrateAdaptive}. Error per step is kept below atol + rtol·|y| (componentwise RMS). */
export interface AdaptiveOptions {
  rtol?: number;
  atol?: number;
  /** Maximum number of attempted steps over the whole integration (default 1e6). */
  maxSteps?: number;
}

/** Right-hand side y' = f(t, y); must return a new array of the same length. */
export type OdeRhs = (t: number, y: Float64Array) => Float64Array;

const SAFETY = 0.9, MIN_FACTOR = 0.2, MAX_FACTOR = 10;
const ERROR_EXPONENT = -1 / 8; // −1/(error estimator order 7 + 1)

function rmsNorm(x: Float64Array, scale: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] / scale[i]) ** 2;
  return Math.sqrt(s / x.length);
}

/** scipy's select_initial_step (Hairer, Nørsett & Wanner II.4) for order 7. */
function initialStep(f: OdeRhs, t0: number, y0: Float64Array, f0: Float64Array, rtol: number, atol: number): number {
  const scale = y0.map((y) => atol + Math.abs(y) * rtol);
  const d0 = rmsNorm(y0, scale), d1 = rmsNorm(f0, scale);
  const h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
  const f1 = f(t0 + h0, y0.map((y, i) => y + h0 * f0[i]));
  const d2 = rmsNorm(f1.map((x, i) => x - f0[i]), scale) / h0;
  const h1 = d1 <= 1e-15 && d2 <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / Math.max(d1, d2)) ** (1 / 8);
  return Math.min(100 * h0, h1);
}

/**
 * Integrates y' = f(t, y) from times[0] with DOP853 and returns y at each requested time.
 * @param y0 initial state at times[0] (length m; not modified).
 * @param times ascending, finite; times[0] is the start. Each is hit exactly (the step is clamped).
 * @param options rtol (default 1e-12), atol (default 1e-14), maxSteps (default 1e6).
 * @returns one Float64Array (length m) per requested time.
 * @throws Error if times are not ascending/finite, f returns a wrong length or a non-finite value,
 *   the step size underflows, or maxSteps is exceeded.
 */
export function integrateAdaptive(f: OdeRhs, y0: ArrayLike<number>, times: readonly number[], options: AdaptiveOptions = {}): Float64Array[] {
  const rtol = options.rtol ?? 1e-12, atol = options.atol ?? 1e-14, maxSteps = options.maxSteps ?? 1e6;
  if (!(rtol > 0 && atol >= 0)) throw new Error(`integrateAdaptive: need rtol > 0 and atol ≥ 0 (got ${rtol}, ${atol})`);
  if (times.length === 0) return [];
  times.forEach((t, i) => {
    if (!Number.isFinite(t) || (i > 0 && t < times[i - 1])) throw new Error(`integrateAdaptive: times must be finite and ascending (entry ${i} = ${t})`);
  });
  const m = y0.length;
  const call = (t: number, y: Float64Array): Float64Array => {
    const out = f(t, y);
    if (out.length !== m) throw new Error(`integrateAdaptive: f returned length ${out.length}, expected ${m}`);
    for (let i = 0; i < m; i++) if (!Number.isFinite(out[i])) throw new Error(`integrateAdaptive: f returned a non-finite value at t = ${t}`);
    return out;
  };
  let t = times[0];
  let y = Float64Array.from(y0);
  let fy = call(t, y);
  const out: Float64Array[] = [Float64Array.from(y)];
  const last = times[times.length - 1];
  let hAbs = last > t ? Math.min(initialStep(call, t, y, fy, rtol, atol), last - t) : 0;
  const K: Float64Array[] = Array.from({ length: 13 }, () => new Float64Array(m));
  const yStage = new Float64Array(m);
  const scale = new Float64Array(m);
  let steps = 0;
  for (let k = 1; k < times.length; k++) {
    const target = times[k];
    while (t < target) {
      let accepted = false, rejected = false;
      while (!accepted) {
        if (++steps > maxSteps) throw new Error(`integrateAdaptive: more than ${maxSteps} steps before t = ${target}`);
        const minStep = 10 * Math.abs(nextUp(t) - t);
        if (hAbs < minStep) throw new Error(`integrateAdaptive: step size underflow at t = ${t}`);
        const tNew = t + hAbs >= target ? target : t + hAbs;
        const h = tNew - t;
        // Stages.
        K[0].set(fy);
        for (let s = 1; s < 12; s++) {
          const a = DOP853_A[s];
          for (let i = 0; i < m; i++) {
            let acc = 0;
            for (let j = 0; j < s; j++) acc += a[j] * K[j][i];
            yStage[i] = y[i] + h * acc;
          }
          K[s].set(call(t + DOP853_C[s] * h, yStage));
        }
        const yNew = new Float64Array(m);
        for (let i = 0; i < m; i++) {
          let acc = 0;
          for (let j = 0; j < 12; j++) acc += DOP853_B[j] * K[j][i];
          yNew[i] = y[i] + h * acc;
        }
        const fNew = call(tNew, yNew);
        K[12].set(fNew);
        // Error norm of scipy DOP853: |h| ‖e5‖² / √((‖e5‖² + 0.01 ‖e3‖²) m).
        for (let i = 0; i < m; i++) scale[i] = atol + Math.max(Math.abs(y[i]), Math.abs(yNew[i])) * rtol;
        let e5 = 0, e3 = 0;
        for (let i = 0; i < m; i++) {
          let s5 = 0, s3 = 0;
          for (let j = 0; j < 13; j++) {
            s5 += DOP853_E5[j] * K[j][i];
            s3 += DOP853_E3[j] * K[j][i];
          }
          e5 += (s5 / scale[i]) ** 2;
          e3 += (s3 / scale[i]) ** 2;
        }
        const errNorm = e5 === 0 && e3 === 0 ? 0 : (Math.abs(h) * e5) / Math.sqrt((e5 + 0.01 * e3) * m);
        if (errNorm < 1) {
          let factor = errNorm === 0 ? MAX_FACTOR : Math.min(MAX_FACTOR, SAFETY * errNorm ** ERROR_EXPONENT);
          if (rejected) factor = Math.min(1, factor);
          // A step clamped to an output time says little about larger steps: never grow from it.
          hAbs = h < hAbs ? (factor >= 1 ? hAbs : Math.min(hAbs, h * factor)) : hAbs * factor;
          accepted = true;
          t = tNew;
          y = yNew;
          fy = fNew;
        } else {
          hAbs = h * Math.max(MIN_FACTOR, SAFETY * errNorm ** ERROR_EXPONENT);
          rejected = true;
        }
      }
    }
    out.push(Float64Array.from(y));
  }
  return out;
}

/** Smallest double above x (x finite). */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const bits = buf.getBigUint64(0);
  buf.setBigUint64(0, x > 0 ? bits + 1n : bits - 1n);
  return buf.getFloat64(0);
}

/**
 * Single-neuron gradient flow (docs/theory.md §1) integrated with DOP853.
 * @param w0 length d. @param data XX d×d, Xy d. @param times ascending times (not steps), times[0] is t₀.
 * @param tol rtol (default 1e-12); atol = tol · 1e-2.
 * @returns {a, w} at each requested time.
 */
export function integrateSingleNeuronFlow(
  a0: number, w0: readonly number[], data: SingleNeuronData, rates: LayerRates,
  times: readonly number[], tol = 1e-12,
): NeuronState[] {
  const d = w0.length;
  if (data.XX.length !== d || data.Xy.length !== d) throw new Error(`integrateSingleNeuronFlow: dimension mismatch (w0 ${d}, XX ${data.XX.length}, Xy ${data.Xy.length})`);
  const rhs: OdeRhs = (_t, y) => {
    const { da, dw } = flowRhs(y[0], Array.from(y.subarray(1)), data, rates);
    const out = new Float64Array(d + 1);
    out[0] = da;
    out.set(dw, 1);
    return out;
  };
  const ys = integrateAdaptive(rhs, [a0, ...w0], times, { rtol: tol, atol: tol * 1e-2 });
  return ys.map((y) => ({ a: y[0], w: Array.from(y.subarray(1)) }));
}
