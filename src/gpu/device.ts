/**
 * One entry point to WebGPU for the browser (navigator.gpu) and for Node (the `webgpu` package, Dawn).
 * Owns the adapter choice (a real GPU first, SwiftShader on the CPU as the fallback), the limits the
 * kernels rely on, and the single visible error path (docs/architecture.md "src/gpu").
 */

/** Path of the SwiftShader Vulkan ICD shipped in Debian's `chromium` package. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** A ready device plus what the front ends need to know about it. */
export interface GpuContext {
  device: GPUDevice;
  adapter: GPUAdapter;
  /** Human-readable adapter name, e.g. "google swiftshader (SwiftShader driver 5.0.0)". */
  adapterName: string;
  /** True for a CPU (software) adapter such as SwiftShader: the UI shows a notice. */
  isSoftware: boolean;
  /** Limits granted to the device (requested as the adapter's maxima). */
  limits: GPUSupportedLimits;
  /** The Dawn instance in Node; it must stay referenced for the device's whole life. */
  keepAlive: unknown;
  /**
   * Set (before `onLost` runs) when the device is lost for any reason, 'destroyed' included: from then on
   * nothing may be submitted to it, mapped or created on it (docs/architecture.md "The shell": device loss).
   */
  lost: boolean;
  /** Set by {@link releaseGpu}: the app destroyed the device itself, so its loss is not reported. */
  released: boolean;
}

/** Why a device was lost, as `onLost` receives it. */
export interface GpuLossInfo {
  /** GPUDeviceLostInfo.reason: 'destroyed' (device.destroy() by someone other than {@link releaseGpu}) or 'unknown' (driver reset, GPU-process crash). */
  reason: string;
  /** The browser's or Dawn's message (may be empty). */
  message: string;
}

/** Destroys the device on purpose (end of a CLI run, page teardown): its loss is not reported to `onLost`. */
export function releaseGpu(ctx: GpuContext): void {
  ctx.released = true;
  ctx.device.destroy();
}

/** Thrown when WebGPU cannot be used at all (no API, no adapter, device request refused). */
export class WebGpuUnavailableError extends Error {
  override name = 'WebGpuUnavailableError';
}

/** Thrown when a requested grid or buffer exceeds a device limit; the message names limit and size. */
export class DeviceLimitError extends Error {
  override name = 'DeviceLimitError';
}

/** Thrown when `--require-gpu` was given and the only adapter is a software (CPU) one, or there is none (CLI exit 3). */
export class GpuRequirementError extends Error {
  override name = 'GpuRequirementError';
}

/** Thrown when `--adapter <name>` matches no adapter; the message lists the available ones (CLI exit 2). */
export class AdapterNotFoundError extends Error {
  override name = 'AdapterNotFoundError';
}

/** An adapter Dawn (the `webgpu` package) can open in Node: its backend ("vulkan", …) and name. */
export interface AdapterListing { backend: string; name: string; isSoftware: boolean }

/**
 * The process-wide adapter choice of the CLI: `adapter`, a case-insensitive part of an adapter's name
 * ({@link listAdapters}); `requireGpu`, refuse software adapters. {@link initGpu} honours it in Node.
 */
export interface GpuChoice { adapter?: string; requireGpu?: boolean }

let gpuChoice: GpuChoice = {};

/** Sets the {@link GpuChoice} every later {@link initGpu} in this process (Node) uses; `{}` restores the default. */
export function setGpuChoice(choice: GpuChoice): void {
  gpuChoice = { ...choice };
}

const SOFTWARE_NAME = /swiftshader|llvmpipe|lavapipe|software|microsoft basic/i;

export interface InitGpuOptions {
  /** Called for validation and out-of-memory errors not caught by an error scope. */
  onError?: (message: string) => void;
  /**
   * Called once when the device is lost for any reason (driver reset, GPU-process crash, a destroy() not
   * made through {@link releaseGpu}); `ctx.lost` is already true then.
   */
  onLost?: (message: string, info: GpuLossInfo) => void;
  /**
   * Browser: an adapter requested beforehand ({@link requestSpareAdapter}) to open the device on, so a
   * recovery after a device loss skips the adapter request (seconds while the GPU process is busy). When
   * it cannot give a device (expired, consumed), a new adapter is requested as without it.
   */
  adapter?: GPUAdapter | null;
}

/** Browser: requests an adapter for a later {@link initGpu} (`options.adapter`); null without WebGPU or on failure. */
export async function requestSpareAdapter(): Promise<GPUAdapter | null> {
  if (typeof navigator === 'undefined' || !(navigator as Navigator).gpu) return null;
  return navigator.gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
}

/** Asserts that an adapter was returned (webgpu-samples' quitIfAdapterNotAvailable pattern). */
export function assertAdapter(adapter: GPUAdapter | null, hint: string): asserts adapter is GPUAdapter {
  if (!adapter) throw new WebGpuUnavailableError(`No WebGPU adapter is available. ${hint}`);
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

/** Loads `webgpu` (Dawn) in Node; the module name is hidden from the browser bundler. */
async function nodeGpu(useSwiftShader: boolean, dawnOptions: string[] = []): Promise<{ gpu: GPU; instance: unknown }> {
  if (useSwiftShader) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  // Vulkan drivers print "XDG_RUNTIME_DIR is invalid" on every start in headless sessions without it.
  if (!process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = (await import(/* @vite-ignore */ 'node:os')).tmpdir();
  const moduleName = 'webgpu';
  const dawn = await import(/* @vite-ignore */ moduleName);
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create(dawnOptions) as GPU;
  return { gpu, instance: gpu };
}

/** Dawn's adapter list, read from the error its `adapter=<name>` option gives for a name no adapter has. */
async function dawnAdapters(useSwiftShader: boolean): Promise<AdapterListing[]> {
  const { gpu } = await nodeGpu(useSwiftShader, ['adapter=\u0001lazyrich-no-such-adapter']);
  let text = '';
  try {
    const adapter = await gpu.requestAdapter();
    if (adapter) return [{ backend: '?', ...describeAdapter(adapter) }];
  } catch (e) {
    text = String(e);
  }
  return [...text.matchAll(/\* backend: '([^']*)', name: '(.*)'$/gm)].map(([, backend, name]) => ({ backend, name, isSoftware: SOFTWARE_NAME.test(name) }));
}

/**
 * The adapters the `webgpu` package (Dawn) can open in Node, as `lazyrich devices` lists them: from the
 * installed Vulkan (or Metal, D3D) drivers (not asked on a Linux host with no GPU device node, see
 * {@link gpuDeviceNodes}); when they give none and VK_ICD_FILENAMES is unset, SwiftShader's.
 * @returns possibly empty (no driver at all).
 */
export async function listAdapters(): Promise<{ adapters: AdapterListing[]; swiftShader: boolean }> {
  const fallback = await swiftShaderFallback();
  const adapters = fallback === 'only' ? [] : await dawnAdapters(false);
  if (adapters.length > 0 || fallback === 'none') return { adapters, swiftShader: false };
  return { adapters: await dawnAdapters(true), swiftShader: true };
}

/**
 * Where SwiftShader ({@link SWIFTSHADER_ICD}) comes in when the default drivers are asked: 'none' when
 * VK_ICD_FILENAMES chooses the drivers or SwiftShader is not installed; 'only' on a Linux host with no GPU device
 * node ({@link mayHaveGpu}: the installed drivers can only fail there, so they are not asked); else 'after' them.
 */
async function swiftShaderFallback(): Promise<'none' | 'only' | 'after'> {
  const { existsSync } = await import(/* @vite-ignore */ 'node:fs');
  if (process.env.VK_ICD_FILENAMES || !existsSync(SWIFTSHADER_ICD)) return 'none';
  return (await mayHaveGpu()) ? 'after' : 'only';
}

async function requestNodeAdapter(): Promise<{ adapter: GPUAdapter | null; instance: unknown[] }> {
  const instances: unknown[] = [];
  if (gpuChoice.adapter !== undefined) {
    const wanted = gpuChoice.adapter.toLowerCase();
    const { adapters, swiftShader } = await listAdapters();
    const match = adapters.find((a) => a.name.toLowerCase() === wanted) ?? adapters.find((a) => a.name.toLowerCase().includes(wanted));
    if (!match) {
      throw new AdapterNotFoundError(`--adapter "${gpuChoice.adapter}" matches no adapter; available: `
        + `${adapters.map((a) => `"${a.name}" (${a.backend})`).join(', ') || 'none'} (see lazyrich devices)`);
    }
    const chosen = await nodeGpu(swiftShader, [`adapter=${match.name}`, `backend=${match.backend}`]);
    instances.push(chosen.instance);
    return { adapter: await chosen.gpu.requestAdapter({ powerPreference: 'high-performance' }), instance: instances };
  }
  const fallback = await swiftShaderFallback();
  let adapter: GPUAdapter | null = null;
  if (fallback !== 'only') {
    const first = await nodeGpu(false);
    instances.push(first.instance);
    adapter = await first.gpu.requestAdapter({ powerPreference: 'high-performance' });
  }
  if (!adapter && fallback !== 'none') {
    const second = await nodeGpu(true);
    instances.push(second.instance);
    adapter = await second.gpu.requestAdapter();
  }
  return { adapter, instance: instances };
}

/**
 * Whether this host has a device node a GPU driver could open: {@link gpuDeviceNodes} of /dev (Linux only;
 * elsewhere, or when /dev cannot be read, true). Without one the installed Vulkan drivers can only fail, and
 * Dawn prints their failures (lavapipe's "shaderUniform*ArrayDynamicIndexing required") on every run.
 */
async function mayHaveGpu(): Promise<boolean> {
  if (process.platform !== 'linux') return true;
  const { readdirSync } = await import(/* @vite-ignore */ 'node:fs');
  const list = (dir: string): string[] | null => { try { return readdirSync(dir); } catch { return null; } };
  const dev = list('/dev');
  return dev === null || gpuDeviceNodes(dev, list('/dev/dri') ?? []).length > 0;
}

/**
 * The GPU device nodes among a Linux host's /dev entries: render nodes in /dev/dri (Mesa, AMD, Intel; virtio-gpu),
 * /dev/nvidia0… (NVIDIA's driver) and /dev/dxg (WSL2's GPU paravirtualisation). Empty on a host without a GPU,
 * where the Node backend goes straight to SwiftShader (initGpu).
 * @param dev names in /dev; @param dri names in /dev/dri ([] when it does not exist).
 */
export function gpuDeviceNodes(dev: readonly string[], dri: readonly string[]): string[] {
  return [...dri.filter((n) => /^renderD\d+$/.test(n)).map((n) => `/dev/dri/${n}`),
    ...dev.filter((n) => /^nvidia\d+$/.test(n) || n === 'dxg').map((n) => `/dev/${n}`)];
}

function describeAdapter(adapter: GPUAdapter): { name: string; isSoftware: boolean } {
  const info = adapter.info;
  const name = [info.vendor, info.architecture, info.description && `(${info.description})`]
    .filter(Boolean).join(' ') || 'unknown adapter';
  const isFallback = (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  const isSoftware = isFallback || SOFTWARE_NAME.test(name);
  return { name, isSoftware };
}

/**
 * Creates the WebGPU device.
 * - Browser: `navigator.gpu`. Node: the `webgpu` package; when the default Vulkan drivers give no adapter
 *   and VK_ICD_FILENAMES is unset, retries with SwiftShader ({@link SWIFTSHADER_ICD}); on a Linux host with no
 *   GPU device node ({@link gpuDeviceNodes}) it goes to SwiftShader at once.
 * - Requests the adapter's maxima for storage-binding size, buffer size and workgroups per dimension.
 * - Routes `uncapturederror` to `onError` and `device.lost` (every reason, 'destroyed' included unless
 *   {@link releaseGpu} destroyed it) to `onLost`, after setting `ctx.lost`.
 * - Node: honours {@link setGpuChoice} (`--adapter`, `--require-gpu`).
 * @throws WebGpuUnavailableError with advice on what to install or enable; AdapterNotFoundError when the
 *   chosen adapter does not exist; GpuRequirementError when a GPU is required and only software is there.
 */
export async function initGpu(options: InitGpuOptions = {}): Promise<GpuContext> {
  let adapter: GPUAdapter | null;
  let keepAlive: unknown = null;
  if (typeof navigator !== 'undefined' && (navigator as Navigator).gpu) {
    if (options.adapter) {
      try {
        return await openDevice(options.adapter, null, options);
      } catch { /* an expired or consumed spare: request a new adapter */ }
    }
    adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
    assertAdapter(adapter, 'Enable WebGPU in your browser (chrome://flags/#enable-unsafe-webgpu) or update your GPU driver.');
  } else if (isNode) {
    const found = await requestNodeAdapter();
    adapter = found.adapter;
    keepAlive = found.instance;
    if (!adapter && gpuChoice.requireGpu) throw new GpuRequirementError('--require-gpu: no WebGPU adapter is available (no GPU driver); install the GPU\'s Vulkan driver or run where there is a GPU');
    assertAdapter(adapter,
      'Install a Vulkan driver, or for the CPU fallback: apt-get install -y libvulkan1 chromium (SwiftShader).');
  } else {
    throw new WebGpuUnavailableError(
      'This browser has no WebGPU (navigator.gpu is missing). Use a recent Chrome, Edge or Safari, '
      + 'or enable WebGPU in the browser flags.');
  }
  if (isNode && gpuChoice.requireGpu && describeAdapter(adapter).isSoftware) {
    throw new GpuRequirementError(`--require-gpu: the adapter is "${describeAdapter(adapter).name}", a software (CPU) adapter; `
      + 'no GPU driver was found (on a cluster: did the job get a GPU, e.g. --gres=gpu:1?)');
  }
  return openDevice(adapter, keepAlive, options);
}

/** Requests the device on `adapter` (its maxima for the limits the kernels use) and wires errors and loss (see {@link initGpu}). */
async function openDevice(adapter: GPUAdapter, keepAlive: unknown, options: InitGpuOptions): Promise<GpuContext> {
  const a = adapter.limits;
  const device = await adapter.requestDevice({
    label: 'lazyrich.device',
    // subgroups, where offered: the relu2 tiled kernel's reductions use them (shaders/relu2/relu2StepTiled.wgsl.ts).
    requiredFeatures: adapter.features.has('subgroups') ? ['subgroups' as GPUFeatureName] : [],
    requiredLimits: {
      maxStorageBufferBindingSize: a.maxStorageBufferBindingSize,
      maxBufferSize: a.maxBufferSize,
      maxComputeWorkgroupsPerDimension: a.maxComputeWorkgroupsPerDimension,
      maxStorageBuffersPerShaderStage: a.maxStorageBuffersPerShaderStage,
    },
  }).catch((e: unknown) => {
    throw new WebGpuUnavailableError(`The adapter refused to create a device: ${String(e)}`);
  });
  const { name, isSoftware } = describeAdapter(adapter);
  const ctx: GpuContext = { device, adapter, adapterName: name, isSoftware, limits: device.limits, keepAlive, lost: false, released: false };
  device.addEventListener('uncapturederror', (event) => {
    if (ctx.lost) return; // errors of a lost device's last calls: the loss is reported once, below
    const message = (event as GPUUncapturedErrorEvent).error.message;
    (options.onError ?? console.error)(`WebGPU error: ${message}`);
  });
  void device.lost.then((info) => {
    ctx.lost = true;
    if (ctx.released) return;
    const loss = { reason: info.reason ?? 'unknown', message: info.message ?? '' };
    (options.onLost ?? console.error)(`WebGPU device lost (${loss.reason})${loss.message ? `: ${loss.message}` : ''}`, loss);
  });
  return ctx;
}

/**
 * Checks that `bytes` fit into one storage binding and one buffer of this device.
 * @param what names the resource in the message, e.g. "262,144 trajectories × (d+1) floats".
 * @throws DeviceLimitError naming the limit, the requested size and the largest allowed.
 */
export function checkBindingSize(limits: GPUSupportedLimits, bytes: number, what: string): void {
  const max = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  if (bytes > max) {
    throw new DeviceLimitError(
      `${what} needs ${formatBytes(bytes)} in one storage buffer, but this device allows at most `
      + `${formatBytes(max)} (maxStorageBufferBindingSize). Reduce the grid.`);
  }
}

/**
 * Splits `workgroups` into a 2-D dispatch (x, y) with x ≤ maxComputeWorkgroupsPerDimension.
 * Kernels recover the linear index as `id.x + id.y * x * workgroupSize`.
 * @throws DeviceLimitError when even a 2-D dispatch cannot cover the grid.
 */
export function dispatchSize(limits: GPUSupportedLimits, workgroups: number): [number, number] {
  const maxDim = limits.maxComputeWorkgroupsPerDimension;
  if (workgroups <= maxDim) return [Math.max(1, workgroups), 1];
  const y = Math.ceil(workgroups / maxDim);
  if (y > maxDim) throw new DeviceLimitError(`${workgroups} workgroups exceed ${maxDim}² (maxComputeWorkgroupsPerDimension).`);
  return [Math.ceil(workgroups / y), y];
}

function formatBytes(bytes: number): string {
  return bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${bytes} B`;
}
