/**
 * Number text of the CLI's JSON results (issue 12: a 10⁵-trajectory `simulate` wrote 39 MB, its float32
 * values printed as full float64 decimals such as 0.6435942649841309).
 *
 * {@link formatF32}: the shortest decimal that reads back, through JSON.parse (float64) and Math.fround, as
 * exactly the same float32 (bitwise, −0 included): 0.64359426 for the value above. {@link formatF64}: what
 * JSON.stringify writes for a float64. Both write null for NaN and ±∞, as JSON.stringify does.
 * {@link AsciiWriter} writes the same texts into a byte buffer, without a string per number.
 */

/** 10^k for k = 0…22: exact in float64, so m / 10^k and m · 10^k are correctly rounded (one IEEE operation). */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
/** A float32 and its bits, for the binary exponent. */
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
const LOG10_2 = Math.log10(2);
/** Decimal digits that always suffice for a float32 (⌈24·log10 2⌉ + 1). */
const F32_MAX_DIGITS = 9;

/** JSON.stringify's text of a number: the shortest float64 decimal (String), null when not finite. */
export function formatF64(x: number): string {
  return Number.isFinite(x) ? String(x) : 'null';
}

/** The result of {@link shortestF32}: |x| = digitsM · 10^-scaleK as decimals (module scratch: no allocation). */
let digitsM = 0;
let scaleK = 0;
/** The float64 of digitsM · 10^-scaleK (what JSON.parse gives for its text), set with them. */
let decimalValue = 0;

/**
 * Finds the shortest decimal m · 10^-k (m a positive integer without trailing zeros, < 10⁹) that reads back as
 * ax: the float64 nearest to it (what JSON.parse returns) has Math.fround equal to ax; of two such decimals of
 * that length, the nearer to ax. Sets digitsM and scaleK.
 * @param ax a positive finite float32 value.
 * @returns false where exact scaling cannot reach (ax < ~1e-14 or ≥ ~1e21, subnormals): use {@link slowF32}.
 */
function shortestF32(ax: number): boolean {
  // e10 = floor(log10 ax): from the binary exponent (floor(e2 · log10 2) is e10 or e10 − 1), then corrected below.
  F32[0] = ax;
  const e2 = ((U32[0] >>> 23) & 0xff) - 127;
  if (e2 === -127) return false; // subnormal: the slow path
  let e10 = Math.floor(e2 * LOG10_2);
  // Candidates m · 10^-k with p ≤ 9 significant digits, k = p − 1 − e10: exact scaling needs |k| ≤ 22, so
  // −14 ≤ e10 ≤ 22; the rest (|x| < ~1e-14 or ≥ ~1e21) takes the slow path.
  if (e10 > 21 || e10 < -15) return false;
  if (e10 >= 0 ? ax < POW10[e10] : ax * POW10[-e10] < 1) e10--;
  else if (e10 + 1 >= 0 ? ax >= POW10[e10 + 1] : ax * POW10[-e10 - 1] >= 1) e10++;
  if (e10 > 22 || e10 < F32_MAX_DIGITS - 1 - 22) return false;
  // Downwards from 8 digits: a p-digit decimal is also a (p + 1)-digit one, so the lengths that work are p ≥ the shortest.
  if (!decimalAt(ax, 8, e10)) {
    if (!decimalAt(ax, F32_MAX_DIGITS, e10)) return false; // a guard: 9 digits always suffice for a float32
  } else {
    let found = digitsM, k = scaleK, value = decimalValue;
    for (let p = 7; p >= 1 && decimalAt(ax, p, e10); p--) { found = digitsM; k = scaleK; value = decimalValue; }
    digitsM = found;
    scaleK = k;
    decimalValue = value;
  }
  let m = digitsM | 0; // < 10⁹
  while (m % 10 === 0) { m = (m / 10) | 0; scaleK--; }
  digitsM = m;
  return true;
}

/**
 * Whether a p-digit decimal m · 10^-k (k = p − 1 − e10) reads back as ax; sets digitsM, scaleK and decimalValue to it. m is
 * round(ax · 10^k) or, if that fails, its neighbour on the other side of ax: the only p-digit decimals that
 * can lie in ax's float32 rounding interval. m / 10^k (or m · 10^-k) is one correctly rounded operation on
 * exact operands, so it is the float64 JSON.parse gives for the decimal's text.
 */
function decimalAt(ax: number, p: number, e10: number): boolean {
  const k = p - 1 - e10;
  scaleK = k;
  if (k >= 0) {
    const scale = POW10[k];
    const m = Math.round(ax * scale);
    const v = m / scale;
    if (Math.fround(v) === ax) { digitsM = m; decimalValue = v; return true; }
    const o = v < ax ? m + 1 : m - 1;
    digitsM = o;
    decimalValue = o / scale;
    return o > 0 && Math.fround(decimalValue) === ax;
  }
  const scale = POW10[-k];
  const m = Math.round(ax / scale);
  const v = m * scale;
  if (Math.fround(v) === ax) { digitsM = m; decimalValue = v; return true; }
  const o = v < ax ? m + 1 : m - 1;
  digitsM = o;
  decimalValue = o * scale;
  return o > 0 && Math.fround(decimalValue) === ax;
}

/** The float32 guard of {@link formatF32} and {@link AsciiWriter.f32}. */
function checkF32(x: number): void {
  if (Math.fround(x) !== x) throw new Error(`formatF32: ${x} is not a float32 value`);
}

/**
 * The shortest decimal text that JSON.parse reads back as a float64 whose Math.fround is exactly x (bitwise;
 * "-0" for −0), for a float32 value x; the nearest such decimal when several have that length. Written in
 * JavaScript's notation (plain for 1e-6 ≤ |x| < 1e21, else d.ddde±n, as String(x)); null for NaN and ±∞.
 * @param x a float32 value (Math.fround(x) === x), e.g. an element of a Float32Array read back from the GPU.
 * @throws Error when x is not a float32 value (a float64 would be printed wrongly).
 */
export function formatF32(x: number): string {
  if (!Number.isFinite(x)) return 'null';
  checkF32(x);
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  if (!shortestF32(Math.abs(x))) return slowF32(x);
  // the text of m · 10^-k: String of the float64 nearest to it writes that decimal (no shorter one reads back as it)
  return String(x < 0 ? -decimalValue : decimalValue);
}

/**
 * The float64 whose JSON.stringify / String text is {@link formatF32}(x), for a finite float32 x other than −0
 * (whose text "-0" no float64 gets from JSON.stringify): the float64 nearest to x's shortest round-trip decimal.
 * Lets JSON.stringify write a whole structure of float32 values in their short form.
 * @throws Error when x is −0, not finite or not a float32 value.
 */
export function shortF32(x: number): number {
  if (!Number.isFinite(x) || Object.is(x, -0)) throw new Error(`shortF32: ${x} has no float64 stand-in (formatF32 writes it)`);
  checkF32(x);
  if (x === 0) return 0;
  if (!shortestF32(Math.abs(x))) return Number(slowF32(x));
  return x < 0 ? -decimalValue : decimalValue;
}

/** {@link formatF32} where exact scaling cannot reach (|x| < ~1e-14 or ≥ ~1e21, subnormals): toPrecision upwards, checked. */
function slowF32(x: number): string {
  for (let p = 1; p <= F32_MAX_DIGITS; p++) {
    const text = String(Number(x.toPrecision(p)));
    if (Math.fround(Number(text)) === x) return text;
  }
  return String(x); // the float64 text is exact, so it reads back as x
}

/** Writes the n decimal digits of the integer m into buf[at … at + n − 1]. */
function writeDigits(buf: Uint8Array, m: number, at: number, n: number): void {
  let t = m | 0; // m < 10⁹ < 2³¹: int32 arithmetic
  for (let c = at + n - 1; c >= at; c--) {
    const q = (t / 10) | 0;
    buf[c] = 48 + t - 10 * q;
    t = q;
  }
}

/** Decimal digits of a positive integer m < 10⁹. */
function digitCount(m: number): number {
  let n = 1;
  while (n < 9 && m >= POW10[n]) n++;
  return n;
}

/**
 * ASCII text written into a growing byte buffer: JSON punctuation, strings and numbers ({@link f32}, {@link f64}),
 * with no string per number. {@link take} returns the text so far as a (one-byte) string, {@link takeBytes} as bytes,
 * and empties it.
 */
export class AsciiWriter {
  private buf = new Uint8Array(1 << 16);
  private pos = 0;

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(2 * this.buf.length, this.pos + extra));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Appends a string of ASCII characters (JSON keys and punctuation, number texts). */
  text(s: string): void {
    this.ensure(s.length);
    const { buf } = this;
    let p = this.pos;
    for (let c = 0; c < s.length; c++) buf[p++] = s.charCodeAt(c);
    this.pos = p;
  }

  /** Appends one ASCII character by code (e.g. 44 for ","). */
  byte(code: number): void {
    this.ensure(1);
    this.buf[this.pos++] = code;
  }

  /** Appends {@link formatF64}(x). */
  f64(x: number): void {
    this.text(Number.isFinite(x) ? String(x) : 'null');
  }

  /** Appends {@link formatF32}(x), the same text. @throws Error when x is not a float32 value. */
  f32(x: number): void {
    if (!Number.isFinite(x)) { this.text('null'); return; }
    checkF32(x);
    if (x === 0) { this.text(Object.is(x, -0) ? '-0' : '0'); return; }
    if (!shortestF32(Math.abs(x))) { this.text(slowF32(x)); return; }
    this.ensure(32);
    if (x < 0) this.buf[this.pos++] = 45; // '-'
    this.decimal(digitsM, scaleK);
  }

  /** m · 10^-k (m > 0 without trailing zeros) in String's notation: plain for exponents −6…20, else d.ddde±n. */
  private decimal(m: number, k: number): void {
    const { buf } = this;
    const n = digitCount(m);
    const e = n - 1 - k; // scientific exponent
    let p = this.pos;
    if (e >= 21 || e < -6) {
      writeDigits(buf, m, p + 1, n);
      buf[p] = buf[p + 1];
      if (n > 1) { buf[p + 1] = 46; p += n + 1; } else p += 1;
      buf[p++] = 101; // 'e'
      buf[p++] = e >= 0 ? 43 : 45;
      const ae = Math.abs(e);
      if (ae >= 10) buf[p++] = 48 + Math.floor(ae / 10);
      buf[p++] = 48 + (ae % 10);
    } else if (k <= 0) {
      writeDigits(buf, m, p, n);
      p += n;
      for (let z = 0; z < -k; z++) buf[p++] = 48;
    } else if (k >= n) {
      buf[p++] = 48; buf[p++] = 46;
      for (let z = 0; z < k - n; z++) buf[p++] = 48;
      writeDigits(buf, m, p, n);
      p += n;
    } else {
      const int = n - k; // digits before the point
      writeDigits(buf, m, p, n);
      buf.copyWithin(p + int + 1, p + int, p + n);
      buf[p + int] = 46;
      p += n + 1;
    }
    this.pos = p;
  }

  /** A copy of the bytes written since the last take (ASCII); the writer is empty after. */
  takeBytes(): Uint8Array {
    const bytes = this.buf.slice(0, this.pos);
    this.pos = 0;
    return bytes;
  }

  /** The text written since the last take, as a string; the writer is empty after. */
  take(): string {
    const s = typeof Buffer !== 'undefined'
      ? Buffer.from(this.buf.buffer, this.buf.byteOffset, this.pos).toString('latin1')
      : new TextDecoder('latin1').decode(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return s;
  }
}
