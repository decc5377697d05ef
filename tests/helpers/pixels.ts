/** Pixel measures of e2e screenshots, shared by the model pages' tests. */
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';

/** Distinct colours (6-bit per channel) in an element's screenshot: a plotted chart or a filled map has many. */
export async function colourCount(page: Page, selector: string): Promise<number> {
  const png = PNG.sync.read(await page.locator(selector).screenshot());
  const seen = new Set<number>();
  for (let k = 0; k < png.data.length; k += 4) seen.add(((png.data[k] >> 2) << 12) | ((png.data[k + 1] >> 2) << 6) | (png.data[k + 2] >> 2));
  return seen.size;
}
