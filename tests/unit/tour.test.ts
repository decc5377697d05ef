/**
 * The teaching aids' pure parts (issue 10): tour steps against each plugin's schema, the tour's URL
 * handling, the keyboard mapping, the replay schedule and the views' theme.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MODELS, DEFAULT_MODEL, findModel } from '../../src/models/registry.ts';
import { modelFromHash } from '../../src/params/url.ts';
import { parseTourParam, stepHash, stepNeedsApply, tourEntries, tourUrl } from '../../src/app/tour.ts';
import { shortcutOf } from '../../src/app/keyboard.ts';
import { SnapshotSchedule, slotsFor, MIN_SLOTS, SCRUB_BUDGET_BYTES } from '../../src/models/singleNeuron/app/scrub.ts';
import { BACKGROUND_COLOR, LABEL_COLOR, parseColor } from '../../src/views/colormaps.ts';
import { DARK_THEME, PROJECTOR_THEME, setViewTheme, THEME, themeFont } from '../../src/views/theme.ts';

describe('tour steps', () => {
  const entries = tourEntries();

  it('has one step per figure the issue names, in the paper order of the two pages', () => {
    expect(entries.map((e) => `${e.plugin.id}:${e.step.figure}`)).toEqual([
      'single-neuron:Fig. 2', 'single-neuron:Fig. 2', 'single-neuron:Fig. 3', 'single-neuron:Fig. 4b', 'single-neuron:Fig. 8',
      'relu2:Fig. 1a', 'relu2:Fig. 1b', 'relu2:Fig. 5a', 'linear2:Thm B.6', 'linear2:Part II', 'mlp:Fig. 6(c)', 'mlp:Fig. 12',
    ]);
    expect(entries.some((e) => e.step.hash.includes('view=3d'))).toBe(true); // the 3-D conserved surfaces
  });

  it('every step hash is a valid params hash of its model (schema and cross-field checks), over the defaults', () => {
    for (const e of entries) {
      const p = modelFromHash(e.plugin, stepHash(e));
      expect(() => e.plugin.checkParams(p)).not.toThrow();
      // The preset named by the step is kept (the step shows the paper's settings, not "custom").
      expect((p as { preset: string }).preset).toBe(/p=([^&]+)/.exec(e.step.hash)![1]);
    }
  });

  it('on a software adapter every single-neuron step runs at most 33 × 66 trajectories (the first load\'s size), with valid params', () => {
    for (const e of entries.filter((x) => x.plugin === DEFAULT_MODEL)) {
      const p = modelFromHash(e.plugin, stepHash(e, DEFAULT_MODEL, true)) as { deltaCount: number; directions: number };
      expect(() => e.plugin.checkParams(p as never)).not.toThrow();
      expect(p.deltaCount * p.directions, e.step.title).toBeLessThanOrEqual(33 * 66);
      // On a GPU the step is the paper's preset, unchanged.
      expect(stepHash(e, DEFAULT_MODEL, false)).toBe(stepHash(e));
    }
  });

  it('on a software adapter the Fig. 1a step runs fig1a-quick\'s η and steps (the same training time η·T = 100 in 10⁵ steps)', () => {
    const e = entries.find((x) => x.plugin.id === 'relu2' && x.step.figure === 'Fig. 1a')!;
    const gpu = modelFromHash(e.plugin, stepHash(e)) as { etaBase: number; steps: number };
    const cpu = modelFromHash(e.plugin, stepHash(e, DEFAULT_MODEL, true)) as { etaBase: number; steps: number };
    expect(() => e.plugin.checkParams(cpu as never)).not.toThrow();
    expect([gpu.etaBase, gpu.steps]).toEqual([1e-4, 1_000_000]);
    expect(cpu.steps).toBeLessThanOrEqual(100_000);
    expect(cpu.etaBase * cpu.steps).toBeCloseTo(gpu.etaBase * gpu.steps, 9);
  });

  it('on a software adapter the Thm B.6 step still samples its curves finely: ≥ 60 frames (one read-back each at most) over the run', () => {
    const e = entries.find((x) => x.plugin.id === 'linear2' && x.step.figure === 'Thm B.6')!;
    const p = modelFromHash(e.plugin, stepHash(e, DEFAULT_MODEL, true)) as { step: number; tEnd: number; stepsPerFrame: number };
    expect(Math.round(p.tEnd / p.step) / p.stepsPerFrame).toBeGreaterThanOrEqual(60); // spf = 60 gave 20 frames, ~12 samples
    expect(p.stepsPerFrame).toBeGreaterThan(4); // but faster than the preset's spf = 4 (a minute on two cores)
  });

  it('captions are short plain words with a target to point at', () => {
    for (const { step } of entries) {
      expect(step.caption.length).toBeGreaterThan(80);
      expect(step.caption.length).toBeLessThanOrEqual(520);
      expect(step.target).toMatch(/^#[\w-]+$/);
      expect(step.title.length).toBeGreaterThan(5);
    }
  });

  it('a step that shows the regime map on one-sample data (Fig. 4b: the NTK is 1 × 1, S ≡ 0, all cells "lazy") says why', () => {
    const oneSample = entries.filter(({ step }) => /(^|&)p=fig4b(&|$)/.test(step.hash) && /(^|&)map=regime(&|$)/.test(step.hash));
    expect(oneSample.length).toBeGreaterThan(0);
    for (const { step } of oneSample) expect(step.caption).toMatch(/all lazy.*S\(t\) = 0/);
  });

  it('stepHash adds model= only for a non-default model, and the version of the model', () => {
    const relu2 = entries.find((e) => e.plugin.id === 'relu2')!;
    const single = entries.find((e) => e.plugin === DEFAULT_MODEL)!;
    expect(stepHash(single)).toBe(`#v=${DEFAULT_MODEL.urlVersion}&${single.step.hash}`);
    expect(stepHash(relu2)).toBe(`#model=relu2&v=${findModel('relu2')!.urlVersion}&${relu2.step.hash}`);
  });

  it('stepNeedsApply: false when the page already shows the step, true for other params or another model', () => {
    const [first, , third] = entries;
    const page = first.plugin;
    expect(stepNeedsApply(first, page, stepHash(first))).toBe(false);
    expect(stepNeedsApply(third, page, stepHash(first))).toBe(true);
    expect(stepNeedsApply(entries[5], page, stepHash(first))).toBe(true);
    expect(stepNeedsApply(first, page, '#v=1&bogus=1')).toBe(true);
  });
});

describe('tour URL', () => {
  it('parses ?tour= as a 1-based step and names the field on a bad value', () => {
    expect(parseTourParam('?tour=3', 7)).toEqual({ index: 2, error: null });
    expect(parseTourParam('', 7)).toEqual({ index: null, error: null });
    for (const bad of ['0', '8', '2.5', 'abc', '']) {
      const r = parseTourParam(`?tour=${bad}`, 7);
      expect(r.index).toBeNull();
      expect(r.error).toMatch(/tour=.*tour=1 … tour=7/);
    }
  });

  it('tourUrl sets and removes tour= and keeps the hash and other query keys', () => {
    const u = tourUrl('http://h/x/?theme=projector#v=1&p=fig2', 4);
    expect(u).toBe('http://h/x/?theme=projector&tour=5#v=1&p=fig2');
    expect(tourUrl(u, null)).toBe('http://h/x/?theme=projector#v=1&p=fig2');
  });
});

describe('keyboard', () => {
  const key = (k: string, target?: { tagName?: string; type?: string; isContentEditable?: boolean }, mods = {}) => shortcutOf({ key: k, target, ...mods });

  it('maps space, arrows, r, t, p, ?, Esc', () => {
    expect([' ', 'ArrowRight', 'ArrowLeft', 'r', 't', 'p', '?', 'Escape'].map((k) => key(k, { tagName: 'BODY' })))
      .toEqual(['playPause', 'right', 'left', 'reset', 'tour', 'projector', 'help', 'escape']);
    expect(key('x')).toBeNull();
  });

  it('does nothing while typing or with a modifier', () => {
    for (const k of [' ', 'r', 't', '?', 'ArrowRight']) {
      expect(key(k, { tagName: 'INPUT', type: 'text' })).toBeNull();
      expect(key(k, { tagName: 'INPUT', type: 'number' })).toBeNull();
      expect(key(k, { tagName: 'TEXTAREA' })).toBeNull();
      expect(key(k, { tagName: 'SELECT' })).toBeNull();
      expect(key(k, { tagName: 'DIV', isContentEditable: true })).toBeNull();
    }
    expect(key('r', { tagName: 'BODY' }, { ctrlKey: true })).toBeNull(); // Ctrl+R reloads, as always
    expect(key('r', { tagName: 'BODY' }, { metaKey: true })).toBeNull();
  });

  it('leaves a slider its arrows and space, and a focused button its space', () => {
    expect(key('ArrowRight', { tagName: 'INPUT', type: 'range' })).toBeNull();
    expect(key(' ', { tagName: 'INPUT', type: 'range' })).toBeNull();
    expect(key('r', { tagName: 'INPUT', type: 'range' })).toBe('reset');
    expect(key(' ', { tagName: 'BUTTON' })).toBeNull();
    expect(key('ArrowRight', { tagName: 'BUTTON' })).toBe('right');
  });
});

describe('replay schedule', () => {
  it('keeps ≤ capacity snapshots spanning [0, now] evenly, for any run length', () => {
    const s = new SnapshotSchedule(8, 0.05);
    const dt = 0.01;
    let t = 0;
    for (let step = 1; step <= 200_000; step++) {
      t = step * dt;
      if (s.due(t)) s.add(t);
      if (step % 997 === 0 || step === 200_000) {
        const times = s.times;
        expect(times[0]).toBe(0);
        expect(times.length).toBeLessThanOrEqual(8);
        expect(times.length).toBeGreaterThanOrEqual(2);
        for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1]);
        // Even spacing: every gap within interval ± dt (one step late at most), the newest within one interval of now.
        for (let i = 1; i < times.length; i++) {
          const gap = times[i] - times[i - 1];
          expect(gap).toBeGreaterThanOrEqual(s.interval - dt - 1e-9);
          expect(gap).toBeLessThanOrEqual(s.interval + dt + 1e-9);
        }
        expect(t - times[times.length - 1]).toBeLessThanOrEqual(s.interval + 1e-9);
      }
    }
    // 2000 time units from a 0.05 interval: the interval doubled to cover them with 4–8 snapshots.
    expect(s.interval * 8).toBeGreaterThanOrEqual(2000 / 2);
  });

  it('add reports the dropped indices (the odd ones) when the ring overflows', () => {
    const s = new SnapshotSchedule(4, 1);
    expect(s.add(1)).toEqual([]);
    expect(s.add(2)).toEqual([]);
    expect(s.add(3)).toEqual([]);
    expect(s.add(4)).toEqual([1, 3]);
    expect(s.times).toEqual([0, 2, 4]);
    expect(s.interval).toBe(2);
    expect(s.due(5.9)).toBe(false);
    expect(s.due(6)).toBe(true);
  });

  it('refuses a bad capacity or interval, naming it', () => {
    expect(() => new SnapshotSchedule(1)).toThrow(/capacity/);
    expect(() => new SnapshotSchedule(8, 0)).toThrow(/interval/);
  });

  it('slotsFor keeps the snapshots within the memory budget, and is off for huge ensembles', () => {
    for (const [n, d] of [[262_144, 2], [1 << 20, 2], [1 << 20, 16], [1 << 24, 2]] as const) {
      const k = slotsFor(n, d);
      expect((k + 1) * 4 * (d + 1) * n).toBeLessThanOrEqual(SCRUB_BUDGET_BYTES);
      expect(k === 0 || k >= MIN_SLOTS).toBe(true);
    }
    expect(slotsFor(262_144, 2)).toBeGreaterThanOrEqual(16);
    expect(slotsFor(1 << 24, 2)).toBe(0);
  });
});

describe('theme', () => {
  afterEach(() => setViewTheme('dark'));

  /** WCAG 2 contrast ratio of two CSS colours. */
  const contrast = (a: string, b: string): number => {
    const lum = (c: string) => {
      const [r, g, bl] = parseColor(c).slice(0, 3).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
    };
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };

  it('projector is light and high-contrast, with larger fonts and lines', () => {
    expect(contrast(PROJECTOR_THEME.text, PROJECTOR_THEME.background)).toBeGreaterThan(15);
    expect(contrast(PROJECTOR_THEME.label, PROJECTOR_THEME.background)).toBeGreaterThan(10);
    expect(contrast(PROJECTOR_THEME.axis, PROJECTOR_THEME.background)).toBeGreaterThan(7);
    expect(parseColor(PROJECTOR_THEME.background).slice(0, 3).every((v) => v > 0.95)).toBe(true);
    expect(PROJECTOR_THEME.fontScale).toBeGreaterThan(1.2);
    expect(PROJECTOR_THEME.lineScale).toBeGreaterThanOrEqual(2);
    expect(contrast(DARK_THEME.text, DARK_THEME.background)).toBeGreaterThan(7);
  });

  it('setViewTheme switches the colours every view imports (live bindings) and the font scale', () => {
    expect(BACKGROUND_COLOR).toBe(DARK_THEME.background);
    setViewTheme('projector');
    expect(BACKGROUND_COLOR).toBe(PROJECTOR_THEME.background);
    expect(LABEL_COLOR).toBe(PROJECTOR_THEME.label);
    expect(THEME.name).toBe('projector');
    expect(themeFont(10, 'serif', '600')).toBe('600 13px serif');
    setViewTheme('dark');
    expect(BACKGROUND_COLOR).toBe('#101216');
    expect(themeFont(11)).toBe('11px system-ui, sans-serif');
  });

  it('refuses an unknown theme, naming the field', () => {
    expect(() => setViewTheme('neon')).toThrow(/theme: unknown theme "neon"/);
    expect(THEME.name).toBe('dark');
  });

  it('every registered model with an app page is reachable from the tour', () => {
    const withPages = MODELS.filter((m) => m.loadApp).map((m) => m.id);
    expect(new Set(tourEntries().map((e) => e.plugin.id))).toEqual(new Set(withPages));
  });
});
