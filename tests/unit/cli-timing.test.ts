import { afterEach, describe, expect, it } from 'vitest';
import { mark, resetTiming, timingLine } from '../../src/cli/timing.ts';

describe('CLI phase timing (src/cli/timing.ts)', () => {
  afterEach(() => resetTiming());

  it('prints each phase as the time since the previous mark, and the total', () => {
    resetTiming();
    expect(timingLine()).toBe('');
    mark('a');
    mark('b');
    const m = /^timing: a (\d+\.\d{3}) s \(\d+\.\d{3}\), b (\d+\.\d{3}) s \(\d+\.\d{3}\), total (\d+\.\d{3}) s \(cpu \d+\.\d{3} s\)$/.exec(timingLine());
    expect(m).not.toBeNull();
    const [a, b, total] = m!.slice(1).map(Number);
    // the phases add up to the total (each rounded to 1 ms)
    expect(Math.abs(a + b - total)).toBeLessThanOrEqual(0.002);
    expect(a).toBeGreaterThan(0); // time since the process started
  });
});
