/**
 * The page theme from the URL: `?theme=projector` (a light, high-contrast theme with larger fonts and
 * thicker lines, for projecting a lecture; issue 10) or `?theme=dark` (default). The theme lives in the
 * query string, not the hash, because the hash holds exactly the model's schema fields (src/params/url.ts)
 * and is rewritten on every accepted change; the query survives those rewrites and model switches.
 * Applies it to the views (src/views/theme.ts) and to the CSS (`<html data-theme="projector">`, style.css).
 */
import { setViewTheme, THEME_NAMES, type ThemeName } from '../views/theme.ts';

/** The URL's query key of the theme. */
export const THEME_KEY = 'theme';

/**
 * Reads `?theme=` and applies it; call before any view is built.
 * @returns the theme applied and, for an unknown value, a message naming the field (the dark theme is used).
 */
export function applyUrlTheme(search = location.search): { theme: ThemeName; error: string | null } {
  const value = new URLSearchParams(search).get(THEME_KEY);
  let theme: ThemeName = 'dark';
  let error: string | null = null;
  if (value !== null && value !== '') {
    if ((THEME_NAMES as readonly string[]).includes(value)) theme = value as ThemeName;
    else error = `URL parameter theme=${value} is unknown; use theme=${THEME_NAMES.join(' or theme=')}. Using the dark theme.`;
  }
  setViewTheme(theme);
  document.documentElement.dataset.theme = theme;
  return { theme, error };
}

/** The URL of this page with `?theme=` set to `theme` (removed for the default), hash kept. */
export function themeUrl(theme: ThemeName, href = location.href): string {
  const url = new URL(href);
  if (theme === 'dark') url.searchParams.delete(THEME_KEY);
  else url.searchParams.set(THEME_KEY, theme);
  return url.toString();
}
