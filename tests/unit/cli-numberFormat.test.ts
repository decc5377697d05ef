import { describe, expect, it } from 'vitest';
import { AsciiWriter, formatF32, formatF64, shortF32 } from '../../src/cli/numberFormat.ts';

/** A float32 from its bit pattern. */
const f32 = (bits: number) => new Float32Array(new Uint32Array([bits >>> 0]).buffer)[0];

/** Seeded float32 values over the whole range: random bit patterns (finite), boundaries, powers of 2 and 10. */
function samples(count: number): number[] {
  let seed = 12345;
  const next = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed; };
  const out: number[] = [0, -0, f32(1), f32(0x7f7fffff), f32(0x00800000), f32(0x007fffff), 0.1, 1e-7, 1e-6, 1e21, 1e20, 123456789, 0.5, 3, 1e-14, 1e-15, 1e22, 1e23]
    .map(Math.fround);
  for (let e = -149; e <= 127; e++) out.push(Math.fround(2 ** e), Math.fround(-(2 ** e)));
  while (out.length < count) {
    const x = f32(next());
    if (Number.isFinite(x)) out.push(x);
    out.push(Math.fround((next() / 2 ** 32 - 0.5) * 10 ** ((next() % 12) - 6))); // the outputs' usual magnitudes
  }
  return out;
}

/** Significant digits of a decimal text (no sign, exponent, point or leading zeros). */
const significant = (s: string) => s.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length || 1;

/** Independent reference: the fewest digits p with which toPrecision's nearest p-digit decimal reads back as x. */
function referenceDigits(x: number): number {
  for (let p = 1; p <= 9; p++) if (Math.fround(Number(x.toPrecision(p))) === x) return p;
  throw new Error(`no 9-digit decimal reads back as ${x}`);
}

describe('formatF32 (src/cli/numberFormat.ts): shortest decimal that reads back as the same float32', () => {
  const xs = samples(20000);

  it('reads back bitwise (JSON.parse then Math.fround), −0 included, and is never longer than the reference', () => {
    let shorter = 0;
    for (const x of xs) {
      const s = formatF32(x);
      expect(Object.is(Math.fround(JSON.parse(s) as number), x), `${x} → ${s}`).toBe(true);
      if (x === 0) continue;
      const ref = referenceDigits(Math.abs(x));
      expect(significant(s), `${x} → ${s} (reference ${ref} digits)`).toBeLessThanOrEqual(ref);
      if (significant(s) < ref) shorter++;
    }
    // shorter than toPrecision's nearest decimal only where the far neighbour lies in the wider half of the
    // rounding interval (a power of 2: the interval below is half as wide): rare.
    expect(shorter).toBeLessThan(xs.length / 100);
  });

  it('writes JavaScript\'s notation: the same text as String of the decimal it chose', () => {
    for (const x of xs) {
      const s = formatF32(x);
      if (!Object.is(x, -0)) expect(String(Number(s)), `${x}`).toBe(s);
    }
    expect(formatF32(Math.fround(0.6435942649841309))).toBe('0.64359426');
    expect(formatF32(Math.fround(1e-7))).toBe('1e-7');
    expect(formatF32(Math.fround(1.5e-6))).toBe('0.0000015');
    expect(formatF32(Math.fround(1e21))).toBe('1e+21');
    expect(formatF32(-0)).toBe('-0');
    expect(formatF32(0.5)).toBe('0.5');
  });

  it('writes null for NaN and ±∞ and refuses a float64 that is not a float32', () => {
    expect([NaN, Infinity, -Infinity].map(formatF32)).toEqual(['null', 'null', 'null']);
    expect(() => formatF32(0.1)).toThrow(/0\.1 is not a float32 value/);
    expect(formatF64(0.1)).toBe('0.1');
    expect(formatF64(NaN)).toBe('null');
  });

  it('AsciiWriter writes the same texts as formatF32 and formatF64; shortF32 stands in for them in JSON.stringify', () => {
    const w = new AsciiWriter();
    const parts: string[] = [];
    for (const x of xs) {
      w.f32(x); w.byte(44); w.f64(x * 1.1); w.byte(44);
      parts.push(formatF32(x), formatF64(x * 1.1));
    }
    w.text('end');
    expect(w.take()).toBe(`${parts.join(',')},end`);
    expect(w.take()).toBe('');
    for (const x of xs) if (!Object.is(x, -0)) expect(JSON.stringify(shortF32(x))).toBe(formatF32(x));
    expect(() => shortF32(-0)).toThrow(/-0|no float64 stand-in/);
  });
});
