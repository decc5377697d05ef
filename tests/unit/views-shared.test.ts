/**
 * The pure pieces split out of the portrait and 3-D views: the portrait's colouring state (LUT rewrites
 * and trail clearing), the point-primitive choice and style checks shared by both views, wheel zoom,
 * the 3-D source checks and the 3-D scene assembly. No GPU: buffers are fakes with size and usage.
 */
import { describe, expect, it } from 'vitest';
import { deltaInterpolator, deltaMaxAbs, lossInterpolator } from '../../src/views/colormaps.ts';
import { sceneGeometry, SEGMENT_FLOATS } from '../../src/models/singleNeuron/views/paramSpace3dGeometry.ts';
import { sceneKey } from '../../src/models/singleNeuron/views/paramSpace3dLabels.ts';
import { LINE_COLORS, surfaceTint } from '../../src/models/singleNeuron/views/paramSpace3dLayout.ts';
import { validateParamSpace3DSource } from '../../src/models/singleNeuron/views/paramSpace3dSource.ts';
import { wheelFactor as sharedWheelFactor } from '../../src/views/pointerInput.ts';
import { MISSING_TEXT, PortraitColoring } from '../../src/models/singleNeuron/views/portraitColoring.ts';
import { wheelFactor } from '../../src/models/singleNeuron/views/portraitInput.ts';
import type { PortraitField } from '../../src/models/singleNeuron/views/portraitSource.ts';
import { checkTrailStyle, choosePrimitive } from '../../src/views/trailCanvas.ts';

const buf = (size: number, usage = 0x80 | 0x8) => ({ size, usage }) as unknown as GPUBuffer;

describe('PortraitColoring', () => {
  const setup = () => {
    const writes: Float32Array[] = [];
    return { coloring: new PortraitColoring((lut) => writes.push(lut)), writes };
  };
  const field = (over: Partial<PortraitField> = {}): PortraitField =>
    ({ buffer: buf(4096), title: 'S', scale: 'linear', domain: [0, 1], interpolator: lossInterpolator, ...over }) as PortraitField;

  it('writes the LUT only when the effective colour map changes', () => {
    const { coloring, writes } = setup();
    expect(coloring.setColorBy('delta')).toBe(false);
    expect(coloring.setColorBy('field')).toBe(true);
    expect(writes).toHaveLength(0); // 'field' without a field draws as δ: same LUT
    expect(coloring.setColorBy('loss')).toBe(true);
    expect(writes).toHaveLength(1);
    expect(() => coloring.setColorBy('nope' as never)).toThrow(RangeError);
  });

  it('a new domain keeps the trails; a new interpolator or buffer clears them', () => {
    const { coloring } = setup();
    coloring.setColorBy('field');
    const f = field();
    expect(coloring.setField(f, 100)).toEqual({ clearTrails: true, rebind: true });
    expect(coloring.setField({ ...f }, 100)).toBeNull();
    expect(coloring.setField({ ...f, domain: [0, 2] } as PortraitField, 100)).toEqual({ clearTrails: false, rebind: false });
    expect(coloring.setField({ ...f, interpolator: deltaInterpolator } as PortraitField, 100)).toEqual({ clearTrails: true, rebind: false });
    expect(coloring.setField({ ...f, buffer: buf(4096) }, 100)).toEqual({ clearTrails: true, rebind: true });
    expect(coloring.fieldUniforms()).toEqual({ scale: 'linear', offset: 0, domain: [0, 1], count: 0 });
    expect(coloring.setField(null, 100)).toEqual({ clearTrails: true, rebind: false });
    expect(coloring.setField(null, 100)).toBeNull();
    expect(coloring.fieldUniforms()).toBeNull();
  });

  it('legend: field titles and the missing text; loss domain changes checked', () => {
    const { coloring } = setup();
    coloring.setColorBy('field');
    coloring.setField(field({ title: 'speed' }), 100);
    expect(coloring.legend(2)).toMatchObject({ title: 'speed', missing: MISSING_TEXT, domain: [0, 1] });
    coloring.setColorBy('delta');
    expect(coloring.legend(2).domain).toEqual([-2, 2]);
    expect(coloring.setLossDomain([1e-6, 10])).toBeNull();
    expect(coloring.setLossDomain([1e-6, 1])).toEqual({ clearTrails: false });
    expect(() => coloring.setLossDomain([0, 1])).toThrow(RangeError);
  });
});

describe('shared point-view helpers', () => {
  it('choosePrimitive: explicit wins; auto is instanced on hardware, list or points on software', () => {
    expect(choosePrimitive('list', false, 1.5, 1)).toBe('list');
    expect(choosePrimitive('auto', false, 1.5, 1)).toBe('instanced');
    expect(choosePrimitive('auto', true, 1.5, 1)).toBe('points');
    expect(choosePrimitive('auto', true, 1.5, 2)).toBe('list');
  });

  it('checkTrailStyle names the view', () => {
    expect(() => checkTrailStyle('PortraitView', { pointSize: 0, trails: true, trailDecay: 0.9 })).toThrow(/PortraitView\.setStyle: pointSize/);
    expect(() => checkTrailStyle('ParamSpace3DView', { pointSize: 1, trails: true, trailDecay: 1.5 })).toThrow(/ParamSpace3DView\.setStyle: trailDecay/);
    expect(() => checkTrailStyle('X', { pointSize: 1, trails: false, trailDecay: 0 })).not.toThrow();
  });

  it('wheelFactor is the same function from portraitInput.ts and pointerInput.ts', () => {
    expect(wheelFactor).toBe(sharedWheelFactor);
  });

  it('deltaMaxAbs: max |δ| of the range, 1 for a zero range', () => {
    expect(deltaMaxAbs([-3, 2])).toBe(3);
    expect(deltaMaxAbs([0, 0])).toBe(1);
  });
});

describe('3-D view pure pieces', () => {
  const sim = (n: number, d = 2) => ({ state: buf(4 * 3 * n), flags: buf(4 * n), info: buf(4 * n), n, d });
  const info = { deltaRange: [-1, 2] as [number, number], betaStar: [0.5, 1], rates: { a: 1, w: 1 } };

  it('validateParamSpace3DSource: fills in the extent, keeps the messages', () => {
    const checked = validateParamSpace3DSource(sim(10), info);
    expect(checked.extent).toBeGreaterThan(0);
    expect(validateParamSpace3DSource(sim(10), { ...info, extent: 3 }).extent).toBe(3);
    expect(() => validateParamSpace3DSource(sim(10, 3), info)).toThrow(/needs d = 2/);
    expect(() => validateParamSpace3DSource({ ...sim(10), state: buf(8) }, info)).toThrow(/ParamSpace3DView\.setSource: state holds 8 bytes; n = 10, d = 2 needs 120/);
    expect(() => validateParamSpace3DSource({ ...sim(10), flags: buf(40, 0x8) }, info)).toThrow(/flags lacks STORAGE usage/);
  });

  it('sceneGeometry: opaque then translucent segments; a surface only with δ', () => {
    const none = sceneGeometry(2, [0.5, 1], { a: 1, w: 1 }, null, LINE_COLORS, surfaceTint(null, 1));
    expect(none.triangles.length).toBe(0);
    expect(none.segments.length).toBe((none.opaque + none.translucent + 1) * SEGMENT_FLOATS);
    const some = sceneGeometry(2, [0.5, 1], { a: 1, w: 1 }, 0.5, LINE_COLORS, surfaceTint(0.5, 1));
    expect(some.triangles.length % 9).toBe(0);
    expect(some.triangles.length).toBeGreaterThan(0);
    expect(some.opaque).toBe(none.opaque);
    expect(some.translucent).toBeGreaterThan(none.translucent);
  });

  it('sceneKey: the minima entry, plus the surface entry with δ', () => {
    expect(sceneKey([0.5, -1], { a: 1, w: 1 }, null, [1, 1, 1, 1])).toEqual([
      { kind: 'line', color: '#ffffff', text: 'global minima  a w = β* = (0.5, −1)' },
    ]);
    const key = sceneKey([0.5, 1], { a: 2, w: 1 }, -0.25, [1, 0, 0, 1]);
    expect(key[1]).toEqual({ kind: 'fill', color: '#ff0000', text: 'conserved surface  1 a² − 2 ‖w‖² = −0.25' });
  });
});
