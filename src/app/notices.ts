/**
 * The page's one visible message path: dismissible notices stacked under the title. Errors use
 * role="alert" so screen readers and the e2e tests find them.
 */

/** The kinds of notice: info, warning, error (role="alert"). */
export type NoticeKind = 'info' | 'warning' | 'error';

/** Options of {@link showNotice}. */
export interface NoticeOptions {
  /**
   * Removes the notice by itself this many ms after it is shown (for notices whose facts stay on screen
   * elsewhere, e.g. the software-adapter note, which the HUD's adapter line keeps): notices are drawn over
   * the top of the views. Default: it stays until dismissed or replaced.
   */
  hideAfterMs?: number;
}

/**
 * Shows (or replaces, when `id` is already shown) a notice.
 * @param id stable identity, e.g. 'param-error'; a later notice with the same id replaces it.
 * @returns the notice element.
 */
export function showNotice(kind: NoticeKind, message: string, id: string, options: NoticeOptions = {}): HTMLElement {
  const host = document.getElementById('notices');
  if (!host) throw new Error('#notices element is missing from index.html');
  clearNotice(id);
  const el = document.createElement('div');
  el.className = `notice ${kind}`;
  el.dataset.id = id;
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  const text = document.createElement('p');
  text.textContent = message;
  const close = document.createElement('button');
  close.type = 'button';
  close.title = 'dismiss';
  close.textContent = '✕';
  close.addEventListener('click', () => el.remove());
  el.append(text, close);
  host.append(el);
  if (options.hideAfterMs !== undefined) setTimeout(() => el.remove(), options.hideAfterMs);
  return el;
}

/** Removes the notice with this id, if shown. */
export function clearNotice(id: string): void {
  document.querySelector(`#notices [data-id="${id}"]`)?.remove();
}
