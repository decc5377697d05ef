/**
 * gpuDeviceNodes (src/gpu/device.ts): which /dev entries mark a GPU a Vulkan driver could open; with none the
 * Node backend skips the installed drivers (which can only fail, noisily) and opens SwiftShader at once.
 */
import { describe, expect, it } from 'vitest';
import { gpuDeviceNodes } from '../../src/gpu/device.ts';

describe('gpuDeviceNodes', () => {
  it('finds render nodes, NVIDIA devices and WSL2\'s /dev/dxg, and nothing on a host without a GPU', () => {
    const plain = ['null', 'zero', 'tty0', 'shm', 'nvidiactl-not', 'dri-x'];
    expect(gpuDeviceNodes(plain, [])).toEqual([]);
    // a card node alone (display controller, no render node) is not a GPU a compute driver opens
    expect(gpuDeviceNodes([...plain, 'dri'], ['card0', 'by-path'])).toEqual([]);
    expect(gpuDeviceNodes([...plain, 'dri'], ['card0', 'renderD128', 'renderD129'])).toEqual(['/dev/dri/renderD128', '/dev/dri/renderD129']);
    // nvidiactl and nvidia-uvm exist without a usable device too; nvidia0 is the device
    expect(gpuDeviceNodes([...plain, 'nvidiactl', 'nvidia-uvm'], [])).toEqual([]);
    expect(gpuDeviceNodes([...plain, 'nvidiactl', 'nvidia0', 'nvidia1'], [])).toEqual(['/dev/nvidia0', '/dev/nvidia1']);
    expect(gpuDeviceNodes([...plain, 'dxg'], [])).toEqual(['/dev/dxg']);
  });
});
