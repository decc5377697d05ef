/**
 * The lil-gui schema → controls builder every model's panel uses: one controller per schema field,
 * folders by topic. Every edit goes through `onChange`, which validates; a rejected value is reverted
 * in the panel so the panel always shows what is running.
 */
import type GUI from 'lil-gui';
import type { Controller } from 'lil-gui';
import type { Field, Params, Schema } from '../params/schema.ts';

/** Folder layout: folder title → field names, in display order. */
export type FolderLayout<S extends Schema> = Record<string, (keyof S & string)[]>;

const vectorText = (v: number[]): string => v.join(', ');

/** Controllers of a schema's fields in folders, with validation-on-edit and revert. */
export interface SchemaFolders<S extends Schema> {
  /** Shows the given params in every controller. */
  sync(params: Params<S>): void;
  /** Shows or hides a field's controller. */
  setVisible(name: keyof S & string, visible: boolean): void;
  /** The folder of each layout title (to add buttons to). */
  folders: Record<string, GUI>;
}

/**
 * Adds one controller per field of `layout` to `gui`, folder by folder. Every edit goes through
 * `onChange` (vectors parsed from "a, b, c"); when it returns false the controller reverts to `current()`.
 */
export function addSchemaFolders<S extends Schema>(
  gui: GUI, schema: S, layout: FolderLayout<S>, current: () => Params<S>,
  onChange: (name: keyof S & string, value: unknown) => boolean,
): SchemaFolders<S> {
  const proxy: Record<string, unknown> = {};
  const controllers = new Map<string, Controller>();
  const folders: Record<string, GUI> = {};
  const load = (params: Params<S>) => {
    for (const [name, f] of Object.entries(schema)) {
      const v = (params as Record<string, unknown>)[name];
      proxy[name] = f.type === 'vector' ? vectorText(v as number[]) : v;
    }
  };
  load(current());
  for (const [title, names] of Object.entries(layout)) {
    folders[title] = gui.addFolder(title);
    for (const name of names) controllers.set(name, addField(folders[title], proxy, name, schema[name]));
  }
  for (const [name, c] of controllers) {
    c.onFinishChange((value: unknown) => {
      const f = schema[name];
      const parsed = f.type === 'vector' ? String(value).split(',').map((s) => (s.trim() === '' ? NaN : Number(s))) : value;
      if (!onChange(name, parsed)) {
        load(current());
        c.updateDisplay();
      }
    });
  }
  return {
    folders,
    sync(params) {
      load(params);
      for (const c of controllers.values()) c.updateDisplay();
    },
    setVisible(name, visible) { controllers.get(name)?.show(visible); },
  };
}

/** One lil-gui controller for a schema field (enum → dropdown, number with a step → slider). */
export function addField(folder: GUI, proxy: Record<string, unknown>, name: string, f: Field): Controller {
  const label = f.units ? `${f.label} [${f.units}]` : f.label;
  let c: Controller;
  switch (f.type) {
    case 'enum': {
      const options: Record<string, string> = {};
      for (const o of f.options) options[f.optionLabels?.[o] ?? o] = o;
      c = folder.add(proxy, name, options);
      break;
    }
    case 'int': c = folder.add(proxy, name).step(1); break;
    case 'number': c = f.step !== undefined ? folder.add(proxy, name, f.min, f.max, f.step) : folder.add(proxy, name); break;
    default: c = folder.add(proxy, name);
  }
  c.name(label);
  if (f.help) c.domElement.title = f.help;
  c.domElement.dataset.field = name;
  return c;
}
