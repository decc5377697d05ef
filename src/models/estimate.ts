/**
 * Resource estimates of a run, made from the config (CLI) or the params (app) before anything is
 * allocated (issue 11 defect 3, issue 10 defect 9). Each model computes its own in
 * `src/models/<id>/estimate.ts`; this file holds the shared shape, the checks against host and device
 * limits, and the formatting. Pure: no Node or DOM imports (the CLI's host limits are in estimateHost.ts).
 */

/** What a run will need. Sizes in bytes, times in wall-clock seconds (rough: ±2×, from measured rates). */
export interface ResourceEstimate {
  /** Networks (relu2, linear2) or trajectories (single neuron) in the run. */
  items: number;
  /** Their name, plural: "trajectories", "networks". */
  itemName: string;
  /** JS objects on the host heap (results held whole, per-item arrays): limited by the V8 heap. */
  heapBytes: number;
  /** Typed arrays on the host (inits, data, staging copies): limited by the machine's memory. */
  bufferBytes: number;
  /** All GPU buffers together (0 for a CPU run). */
  deviceBytes: number;
  /** The largest single GPU buffer (checked against maxStorageBufferBindingSize and maxBufferSize). */
  largestBuffer: number;
  /** Building the run on the host (inits, data, upload), seconds: the main thread's work in the app. */
  setupSeconds: number;
  /** The fields that set the size: config paths (`config.init.grid`) in the CLI, URL keys (`dn`) in the app. */
  fields: string[];
}

/** Host limits a run is checked against. */
export interface HostLimits {
  /** Largest JS heap the process may use, bytes (V8's heap_size_limit, or the browser's). */
  heapBytes: number;
  /** Machine memory a run may take, bytes: `fraction` of the total, at most what is free. */
  memoryBytes: number;
  /** The fraction of the total memory allowed (stated in messages). */
  fraction: number;
}

/** The device limits an estimate is checked against (a subset of GPUSupportedLimits). */
export interface DeviceBufferLimits { maxStorageBufferBindingSize: number; maxBufferSize: number }

/**
 * The WebGPU adapter the page opened, as an app estimate needs it (GpuContext's fields): a model whose backend depends
 * on it (mlp's backend = auto: the f64 CPU backend on a software adapter) estimates the backend that will run.
 */
export interface EstimateAdapter { isSoftware: boolean; adapterName: string }

/** "1.5 GB", "340 MB", "12 kB" (decimal units, 2–3 significant digits). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes, u = 0;
  while (v >= 1000 && u < units.length - 1) { v /= 1000; u++; }
  return `${v >= 100 || u === 0 ? Math.round(v) : v.toPrecision(2)} ${units[u]}`;
}

/** "0.4 s", "12 s", "3.5 min", "2.1 h". */
export function formatSeconds(s: number): string {
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** "16,777,216" (en grouping). */
export const formatCount = (n: number): string => n.toLocaleString('en');

/**
 * Why the estimate does not fit the host, or undefined when it does: heap bytes over limits.heapBytes
 * (with 20% left for the rest of the process) or heap + buffer bytes over limits.memoryBytes.
 * @returns one sentence naming the fields, the estimated size and the limit.
 */
export function hostRefusal(e: ResourceEstimate, limits: HostLimits): string | undefined {
  const what = `${formatCount(e.items)} ${e.itemName} (${e.fields.join(', ')})`;
  const heapMax = 0.8 * limits.heapBytes;
  if (e.heapBytes > heapMax) {
    return `${what} need ~${formatBytes(e.heapBytes)} of JavaScript heap; the limit is ${formatBytes(heapMax)} (80% of the heap limit ${formatBytes(limits.heapBytes)})`;
  }
  const total = e.heapBytes + e.bufferBytes;
  if (total > limits.memoryBytes) {
    return `${what} need ~${formatBytes(total)} of host memory; the limit is ${formatBytes(limits.memoryBytes)} (${Math.round(limits.fraction * 100)}% of this machine's memory, at most what is free)`;
  }
  return undefined;
}

/**
 * Why the estimate does not fit the device, or undefined when it does: its largest buffer over
 * min(maxStorageBufferBindingSize, maxBufferSize).
 */
export function deviceRefusal(e: ResourceEstimate, limits: DeviceBufferLimits): string | undefined {
  const max = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  if (e.largestBuffer <= max) return undefined;
  return `${formatCount(e.items)} ${e.itemName} (${e.fields.join(', ')}) need a GPU buffer of ${formatBytes(e.largestBuffer)}; `
    + `this device allows ${formatBytes(max)} per buffer (maxStorageBufferBindingSize / maxBufferSize)`;
}
