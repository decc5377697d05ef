/**
 * Conformance, part 1 (no GPU): every registered model (src/models/registry.ts) passes these, so a new
 * model gets its tests by being registered (docs/architecture.md "Conformance").
 * - schema ↔ URL: tests/unit/shell.test.ts (defaults and every preset survive the hash);
 * - schema ↔ CLI config: the app config of the defaults and of every preset parses as a CLI config with
 *   the same number of networks; the tiny example parses; each bad config edit is refused naming its path;
 * - bad parameters: each is refused (schema, then the plugin's cross-field checks, as the app validates)
 *   with a ParamError naming the field, and the params it would have replaced are untouched.
 */
import { describe, expect, it } from 'vitest';
import { MODELS } from '../../src/models/registry.ts';
import { defaults, ParamError, validate } from '../../src/params/schema.ts';
import { ConfigError } from '../../src/cli/validate.ts';

describe.each(MODELS.map((m) => [m.id, m] as const))('model %s', (id, plugin) => {
  it('has a unique id, metrics with unique keys, and presets that pass its own checks', () => {
    expect(MODELS.filter((m) => m.id === id)).toHaveLength(1);
    const keys = plugin.metrics.map((m) => m.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(Object.keys(plugin.presets).length).toBeGreaterThan(0);
  });

  it('schema ↔ CLI config: the defaults and every preset, as the app runs them, are valid CLI configs', async () => {
    const cli = await plugin.loadCli();
    const base = defaults(plugin.schema);
    for (const [name, p] of [['defaults', {}] as const, ...Object.entries(plugin.presets)]) {
      const params = validate(plugin.schema, name === 'defaults' ? {} : { ...p, preset: name }, base);
      const json = plugin.appConfig(params);
      expect(json.model, name).toBe(id);
      expect(() => cli.parseConfig(structuredClone(json)), name).not.toThrow();
    }
  });

  it('each bad parameter is refused naming the field; the running params are untouched', () => {
    const running = defaults(plugin.schema);
    const snapshot = structuredClone(running);
    for (const [field, value] of plugin.examples.badParams) {
      let error: unknown;
      try { plugin.checkParams(validate(plugin.schema, { [field]: value }, running)); } catch (e) { error = e; }
      expect(error, `${field} = ${String(value)}`).toBeInstanceOf(ParamError);
      expect((error as ParamError).field).toBe(field);
      expect((error as Error).message).toContain(`(${field})`);
    }
    expect(running).toEqual(snapshot);
  });

  it('schema ↔ CLI config: the tiny example parses; each bad edit is refused naming its JSON path', async () => {
    const cli = await plugin.loadCli();
    expect(cli.help.length).toBeGreaterThan(0);
    expect(() => cli.parseConfig(structuredClone(plugin.examples.tiny))).not.toThrow();
    expect(() => cli.parseConfig(structuredClone(plugin.examples.diverging))).not.toThrow();
    for (const [path, patch] of plugin.examples.badConfigs) {
      let error: unknown;
      try { cli.parseConfig({ ...structuredClone(plugin.examples.tiny), ...patch }); } catch (e) { error = e; }
      expect(error, JSON.stringify(patch)).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(path);
    }
  });
});
