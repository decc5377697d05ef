/**
 * Runs the CLI (bin/lazyrich.js) in a child process with a bounded V8 heap, a wall-clock limit and a
 * resident-memory watchdog (VmRSS from /proc, polled every 100 ms): a run that grows past the limit is
 * killed, so a test of a huge config cannot take the machine down (issue 11 defect 3).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** What a bounded run did. */
export interface BoundedRun {
  /** Exit code, or null when killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why the watchdog killed it ('memory' | 'time'), or null. */
  killed: 'memory' | 'time' | null;
  /** Largest VmRSS seen, MB. */
  peakRssMb: number;
  seconds: number;
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * @param args CLI arguments after `lazyrich`. @param opts heapMb: --max-old-space-size; rssMb: kill above
 * this resident size; timeoutMs: kill after this long. Runs in the repository root (process.cwd()).
 */
export function runBounded(args: string[], opts: { heapMb: number; rssMb: number; timeoutMs: number }): Promise<BoundedRun> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [`--max-old-space-size=${opts.heapMb}`, 'bin/lazyrich.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', killed: BoundedRun['killed'] = null, peak = 0;
    child.stdout.on('data', (b) => { if (stdout.length < 1e6) stdout += String(b); });
    child.stderr.on('data', (b) => { if (stderr.length < 1e6) stderr += String(b); });
    const watch = setInterval(() => {
      peak = Math.max(peak, rssMb(child.pid!));
      if (peak > opts.rssMb && !killed) { killed = 'memory'; child.kill('SIGKILL'); }
    }, 100);
    const timer = setTimeout(() => { if (!killed) { killed = 'time'; child.kill('SIGKILL'); } }, opts.timeoutMs);
    child.on('close', (code) => {
      clearInterval(watch);
      clearTimeout(timer);
      resolve({ code, stdout, stderr, killed, peakRssMb: peak, seconds: (performance.now() - t0) / 1000 });
    });
  });
}
