/**
 * The typed parameter schema: one table of fields (name, type, range, default, units) that drives the URL
 * hash, lil-gui, CLI validation and uniform packing (docs/architecture.md "One source of truth"). Pattern after
 * tensorflow/playground's state.ts: a table of URL-serialisable properties with short keys.
 */

interface FieldBase {
  /** Short key used in the URL hash. */
  key: string;
  /** Label shown in the GUI and in error messages. */
  label: string;
  /** Units or meaning of the value, shown next to the label ("time", "steps", "") */
  units?: string;
  help?: string;
}
export interface NumberField extends FieldBase {
  type: 'number';
  min: number; max: number; default: number;
  /** Exclusive lower bound: value must be > min. */
  minExclusive?: boolean;
  /** GUI slider step. */
  step?: number;
}
export interface IntField extends FieldBase { type: 'int'; min: number; max: number; default: number }
export interface EnumField<T extends string = string> extends FieldBase {
  type: 'enum'; options: readonly T[]; default: T; optionLabels?: Record<T, string>;
}
export interface BoolField extends FieldBase { type: 'bool'; default: boolean }
/** A list of numbers, written "1,0.5,-2" in the URL; length is checked by the model, entries by min/max. */
export interface VectorField extends FieldBase {
  type: 'vector'; min: number; max: number; default: readonly number[]; maxLength: number;
}
export type Field = NumberField | IntField | EnumField | BoolField | VectorField;
export type Schema = Record<string, Field>;

/** The value type each field kind holds. */
export type ValueOf<F extends Field> =
  F extends EnumField<infer T> ? T :
  F extends BoolField ? boolean :
  F extends VectorField ? number[] : number;
export type Params<S extends Schema> = { [K in keyof S]: ValueOf<S[K]> };

/** A validation failure; `field` is the schema key, the message names the field and the allowed range. */
export class ParamError extends Error {
  override name = 'ParamError';
  constructor(public readonly field: string, message: string) { super(message); }
}

/** Returns the schema defaults as a fresh params object. */
export function defaults<S extends Schema>(schema: S): Params<S> {
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(schema)) out[name] = Array.isArray(f.default) ? [...f.default] : f.default;
  return out as Params<S>;
}

/** Describes a field's allowed values, for messages: "a number in [−100, 100]". */
export function describeRange(f: Field): string {
  switch (f.type) {
    case 'number': return `a finite number in ${f.minExclusive ? '(' : '['}${f.min}, ${f.max}]`;
    case 'int': return `an integer in [${f.min}, ${f.max}]`;
    case 'enum': return `one of ${f.options.map((o) => `"${o}"`).join(', ')}`;
    case 'bool': return 'true or false';
    case 'vector': return `up to ${f.maxLength} comma-separated finite numbers in [${f.min}, ${f.max}]`;
  }
}

/**
 * Validates one value against its field.
 * @throws ParamError naming the field and its allowed range, e.g. for NaN, ±Infinity, out of range, or a
 *   value above an exclusive lower bound that float32 (the GPU's precision) rounds onto the bound.
 */
export function validateValue(name: string, f: Field, value: unknown): unknown {
  const fail = (): never => {
    throw new ParamError(name, `${f.label} (${name}) must be ${describeRange(f)}; got ${formatValue(value)}.`);
  };
  switch (f.type) {
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) fail();
      const v = value as number;
      if ((f.minExclusive ? v <= f.min : v < f.min) || v > f.max) fail();
      // The GPU reads float32: a value above an exclusive bound that rounds onto it (h = 5e-324 → 0) is refused.
      if (f.minExclusive && Math.fround(v) <= f.min) {
        throw new ParamError(name, `${f.label} (${name}) must be ${describeRange(f)} in float32; got ${v}, which is ${Math.fround(v)} in float32.`);
      }
      return v;
    }
    case 'int': {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < f.min || value > f.max) fail();
      return value;
    }
    case 'enum': if (typeof value !== 'string' || !f.options.includes(value)) fail(); return value;
    case 'bool': if (typeof value !== 'boolean') fail(); return value;
    case 'vector': {
      if (!Array.isArray(value) || value.length === 0 || value.length > f.maxLength) fail();
      for (const x of value as unknown[]) {
        if (typeof x !== 'number' || !Number.isFinite(x) || x < f.min || x > f.max) fail();
      }
      return [...(value as number[])];
    }
  }
}

/**
 * Validates a partial params object and merges it over `base`. Unknown keys are errors.
 * @returns a new object; `base` is never modified, so a rejected change loses nothing.
 * @throws ParamError for the first invalid or unknown field.
 */
export function validate<S extends Schema>(schema: S, partial: Record<string, unknown>, base: Params<S>): Params<S> {
  const out: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(partial)) {
    const f = schema[name];
    if (!f) throw new ParamError(name, `Unknown parameter "${name}". Known: ${Object.keys(schema).join(', ')}.`);
    out[name] = validateValue(name, f, value);
  }
  return out as Params<S>;
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return `"${v}"`;
  if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
  return String(v);
}

/**
 * A plain decimal or scientific number as the URL and data readers accept it: optional minus, digits, an
 * optional fraction, an optional exponent ("2", "-0.5", "1e-7", "1.5E+21"). Refuses what Number() also
 * takes: hex "0x10", "+2", ".2e1", "1.", "Infinity", blanks.
 */
export const PLAIN_NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * Parses one URL-hash string into the field's type (no range check; {@link validateValue} does that).
 * @throws ParamError naming the field and quoting the text when a number is not a {@link PLAIN_NUMBER},
 *   or a bool is not 1/0/true/false.
 */
export function parseFieldString(name: string, f: Field, text: string): unknown {
  const num = (s: string): number => {
    if (!PLAIN_NUMBER.test(s)) throw new ParamError(name, `${f.label} (${name}) must be ${describeRange(f)}; got "${text}".`);
    return Number(s);
  };
  switch (f.type) {
    case 'number': case 'int': return num(text);
    case 'enum': return text;
    case 'bool':
      if (text === '1' || text === 'true') return true;
      if (text === '0' || text === 'false') return false;
      throw new ParamError(name, `${f.label} (${name}) must be ${describeRange(f)}; got "${text}".`);
    case 'vector': return text.split(',').map(num);
  }
}

/** Formats a value for the URL hash; numbers use the shortest round-tripping form. */
export function formatFieldString(f: Field, value: unknown): string {
  if (f.type === 'bool') return value ? '1' : '0';
  if (f.type === 'vector') return (value as number[]).map(String).join(',');
  return String(value);
}
