/**
 * Uniform struct layouts declared once: the same description emits the WGSL struct and packs the
 * ArrayBuffer, so host and shader cannot disagree (TypeGPU's "schemas in one place").
 * Supported members: f32, u32, and fixed arrays of vec4<f32>. Offsets follow WGSL's uniform layout
 * rules (scalars align to 4, vec4 and arrays of vec4 to 16, struct size a multiple of 16).
 */

export type MemberType = 'f32' | 'u32' | { vec4Array: number };
export interface Member { name: string; type: MemberType }
export interface StructLayout {
  name: string;
  members: readonly Member[];
  /** Byte offset of each member, by name. */
  offsets: Record<string, number>;
  /** Total byte size, a multiple of 16. */
  size: number;
  /** The WGSL declaration, e.g. `struct Params { n: u32, ... }`. */
  wgsl: string;
}

function sizeAlign(t: MemberType): [number, number] {
  return typeof t === 'string' ? [4, 4] : [16 * t.vec4Array, 16];
}

/** Builds a layout from an ordered member list. */
export function defineStruct(name: string, members: readonly Member[]): StructLayout {
  const offsets: Record<string, number> = {};
  let offset = 0;
  const lines: string[] = [];
  for (const m of members) {
    const [size, align] = sizeAlign(m.type);
    offset = Math.ceil(offset / align) * align;
    offsets[m.name] = offset;
    offset += size;
    const wgslType = typeof m.type === 'string' ? m.type : `array<vec4<f32>, ${m.type.vec4Array}>`;
    lines.push(`  ${m.name}: ${wgslType},`);
  }
  const size = Math.ceil(offset / 16) * 16;
  return { name, members, offsets, size, wgsl: `struct ${name} {\n${lines.join('\n')}\n}` };
}

/**
 * Packs values into a new ArrayBuffer of `layout.size` bytes.
 * @param values scalars for f32/u32 members; number arrays (length ≤ 4 × count) for vec4 arrays, zero-padded.
 * @throws Error on a missing member, an unknown one, or an array longer than its slot.
 */
export function packStruct(layout: StructLayout, values: Record<string, number | ArrayLike<number>>): ArrayBuffer {
  const buffer = new ArrayBuffer(layout.size);
  const f32 = new Float32Array(buffer);
  const u32 = new Uint32Array(buffer);
  for (const key of Object.keys(values)) {
    if (!(key in layout.offsets)) throw new Error(`${layout.name} has no member "${key}"`);
  }
  for (const m of layout.members) {
    const v = values[m.name];
    if (v === undefined) throw new Error(`${layout.name}.${m.name} is missing`);
    const at = layout.offsets[m.name] / 4;
    if (m.type === 'f32') f32[at] = v as number;
    else if (m.type === 'u32') u32[at] = v as number;
    else {
      const arr = v as ArrayLike<number>;
      if (arr.length > 4 * m.type.vec4Array) throw new Error(`${layout.name}.${m.name} holds at most ${4 * m.type.vec4Array} numbers`);
      for (let k = 0; k < arr.length; k++) f32[at + k] = arr[k];
    }
  }
  return buffer;
}
