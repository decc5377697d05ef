/**
 * Keyboard shortcuts of every page and the help overlay that lists them (issue 10): space pause/run,
 * → single step (next step while the tour is open), ← previous tour step, r reset to t = 0, t tour,
 * p projector mode, ? help, Esc closes the help or the tour. Nothing fires while typing in a field or
 * with Ctrl/Alt/⌘ held. The run actions come from the model's app (StartedApp.shortcuts); a page
 * without one lists it as "not on this page".
 */
import type { AppShortcuts } from '../models/plugin.ts';
import { THEME } from '../views/theme.ts';
import { themeUrl } from './theme.ts';
import type { Tour } from './tour.ts';

/** What a key does. */
export type ShortcutAction = 'playPause' | 'right' | 'left' | 'reset' | 'tour' | 'projector' | 'help' | 'escape';

/** The shortcuts, in the help overlay's order: key caps, the action, and what it does. */
export const SHORTCUTS: readonly { keys: string; action: ShortcutAction; does: string }[] = [
  { keys: 'space', action: 'playPause', does: 'pause / run' },
  { keys: '→', action: 'right', does: 'single step (in the tour: next step)' },
  { keys: '←', action: 'left', does: 'previous tour step' },
  { keys: 'r', action: 'reset', does: 'reset to t = 0 (same settings)' },
  { keys: 't', action: 'tour', does: 'guided tour: one step per figure of the paper' },
  { keys: 'p', action: 'projector', does: 'projector mode on / off (light, large)' },
  { keys: '?', action: 'help', does: 'this help' },
  { keys: 'Esc', action: 'escape', does: 'close the help or the tour' },
];

const KEYS: Record<string, ShortcutAction> = {
  ' ': 'playPause', ArrowRight: 'right', ArrowLeft: 'left', r: 'reset', R: 'reset', t: 'tour', T: 'tour',
  p: 'projector', P: 'projector', '?': 'help', Escape: 'escape',
};

/** The part of a KeyboardEvent the mapping reads (so Node tests can call it with plain objects). */
export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** The event's target: a tag name and, for inputs, a type, or contentEditable. */
  target?: { tagName?: string; type?: string; isContentEditable?: boolean } | null;
}

/**
 * The action of a key press, or null: unknown key, Ctrl/Alt/⌘ held, typing in an input, textarea,
 * select or editable element (a range slider or checkbox keeps only its own keys: arrows and space), or
 * space on a focused button (the browser clicks the button itself).
 */
export function shortcutOf(e: KeyLike): ShortcutAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const action = KEYS[e.key];
  if (!action) return null;
  const t = e.target;
  const tag = t?.tagName?.toUpperCase() ?? '';
  if (t?.isContentEditable || tag === 'TEXTAREA' || tag === 'SELECT') return null;
  if (tag === 'INPUT') {
    const type = (t?.type ?? 'text').toLowerCase();
    const own = type === 'range' || type === 'checkbox' || type === 'radio' || type === 'button';
    if (!own || action === 'playPause' || action === 'right' || action === 'left') return null;
  }
  if (tag === 'BUTTON' && action === 'playPause') return null;
  return action;
}

/** The installed shortcuts: the help overlay's state, for tests. */
export interface KeyboardHandle {
  readonly helpOpen: boolean;
  toggleHelp(open?: boolean): void;
  /** Runs an action as its key would. */
  run(action: ShortcutAction): void;
  destroy(): void;
}

/**
 * Listens for the shortcuts on `window` and builds the (hidden) help overlay `#help-overlay`.
 * @param shortcuts the page's run actions (absent ones are listed as not on this page).
 * @param tour the page's tour, or null without one.
 */
export function installKeyboard(shortcuts: AppShortcuts | undefined, tour: Tour | null): KeyboardHandle {
  const overlay = Object.assign(document.createElement('section'), { id: 'help-overlay', hidden: true });
  overlay.setAttribute('role', 'dialog');
  overlay.setAttribute('aria-label', 'keyboard shortcuts');
  const available = (a: ShortcutAction): boolean => {
    if (a === 'playPause') return !!shortcuts?.playPause;
    if (a === 'reset') return !!shortcuts?.reset;
    if (a === 'right') return !!shortcuts?.step || !!tour;
    if (a === 'left' || a === 'tour') return !!tour;
    return true;
  };
  const rows = SHORTCUTS.map((s) => {
    const tr = document.createElement('tr');
    const key = Object.assign(document.createElement('td'), { className: 'help-key' });
    key.append(Object.assign(document.createElement('kbd'), { textContent: s.keys }));
    tr.append(key, Object.assign(document.createElement('td'), { textContent: available(s.action) ? s.does : `${s.does} — not on this page` }));
    return tr;
  });
  const table = document.createElement('table');
  table.append(...rows);
  overlay.append(
    Object.assign(document.createElement('h2'), { textContent: 'Keyboard shortcuts' }), table,
    Object.assign(document.createElement('p'), { className: 'help-foot', textContent: 'Links keep the view: ?tour=3 opens tour step 3, ?theme=projector the projector mode. Esc or ? closes.' }),
  );
  overlay.addEventListener('click', (e) => { if (e.target === overlay) handle.toggleHelp(false); });
  document.body.append(overlay);

  const run = (action: ShortcutAction): void => {
    switch (action) {
      case 'playPause': shortcuts?.playPause?.(); break;
      case 'right': if (tour?.active) tour.next(); else shortcuts?.step?.(); break;
      case 'left': if (tour?.active) tour.prev(); break;
      case 'reset': shortcuts?.reset?.(); break;
      case 'tour': tour?.toggle(); break;
      case 'projector': location.assign(themeUrl(THEME.name === 'projector' ? 'dark' : 'projector')); break;
      case 'help': handle.toggleHelp(); break;
      case 'escape': if (!overlay.hidden) handle.toggleHelp(false); else if (tour?.active) tour.close(); break;
    }
  };
  const onKey = (e: KeyboardEvent): void => {
    const action = shortcutOf({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, target: e.target as KeyLike['target'] });
    if (!action) return;
    e.preventDefault();
    run(action);
  };
  window.addEventListener('keydown', onKey);
  const handle: KeyboardHandle = {
    get helpOpen() { return !overlay.hidden; },
    toggleHelp(open = overlay.hidden) { overlay.hidden = !open; },
    run,
    destroy() { window.removeEventListener('keydown', onKey); overlay.remove(); },
  };
  return handle;
}

/** Adds "tour" and "?" buttons to the page header (#title), for those who do not know the keys. */
export function addHeaderButtons(tour: Tour | null, keys: KeyboardHandle): void {
  const title = document.getElementById('title');
  if (!title) return;
  const bar = Object.assign(document.createElement('div'), { id: 'teach-buttons' });
  const button = (id: string, text: string, label: string, onClick: () => void) => {
    const b = Object.assign(document.createElement('button'), { id, type: 'button', textContent: text, title: label });
    b.setAttribute('aria-label', label);
    b.addEventListener('click', () => { b.blur(); onClick(); });
    return b;
  };
  if (tour && tour.entries.length) bar.append(button('tour-button', 'tour', 'guided tour (t)', () => tour.toggle()));
  bar.append(button('help-button', '?', 'keyboard shortcuts (?)', () => keys.toggleHelp()));
  title.append(bar);
}
