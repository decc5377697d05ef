/**
 * Issue 10, defect 4: the regime map's key no longer shares a row with the title, the colour-bar title
 * lies inside the canvas, and a map whose every cell is a class shows the classes instead of a bar.
 */
import { describe, expect, it } from 'vitest';
import {
  categoriesReplaceBar, colorBarLayout, fitText, HEATMAP_MARGIN, HEATMAP_ROWS,
} from '../../src/views/heatmapMath.ts';

const measure = (s: string) => 6 * s.length; // a 6 px monospace stand-in for measureText

describe('heatmap layout', () => {
  it('the title and the key have their own rows inside the top margin', () => {
    // 12 px title font, 10 px key swatches: the rows must not overlap and both must end above the plot.
    expect(HEATMAP_ROWS.title + 7).toBeLessThanOrEqual(HEATMAP_ROWS.key - 6);
    expect(HEATMAP_ROWS.key + 6).toBeLessThanOrEqual(HEATMAP_MARGIN.top);
  });

  it('the rotated colour-bar title lies whole inside the canvas, right of the tick labels', () => {
    for (const w of [300, 400, 900]) {
      const { barX, barW, tickX, titleX } = colorBarLayout(w);
      expect(barX).toBe(w - HEATMAP_MARGIN.right + 14);
      expect(tickX).toBeGreaterThan(barX + barW);
      expect(titleX + 7).toBeLessThanOrEqual(w); // 11 px font: ±7 px around its centre line
      expect(titleX - 7).toBeGreaterThanOrEqual(tickX + 30); // room for a 5-character tick label at 10 px
    }
  });

  it('categories replace the bar only when every cell is a fill class', () => {
    const fill = [{ label: 'lazy', color: '#009e73', style: 'fill' as const }, { label: 'rich', color: '#d55e00', style: 'fill' as const }];
    const mark = [{ label: 'not yet', color: '#888', style: 'mark' as const }];
    expect(categoriesReplaceBar(Uint8Array.from([1, 2, 2]), fill)).toBe(true);
    expect(categoriesReplaceBar(Uint8Array.from([1, 0, 2]), fill)).toBe(false);
    expect(categoriesReplaceBar(Uint8Array.from([1, 1]), mark)).toBe(false);
    expect(categoriesReplaceBar(null, fill)).toBe(false);
  });

  it('fitText cuts with an ellipsis to the width, keeps text that fits', () => {
    expect(fitText('regime, t = 1.00', 200, measure)).toBe('regime, t = 1.00');
    const cut = fitText('regime, t = 12.00  ⚠ inaccurate: try η = 0.03', 120, measure);
    expect(measure(cut)).toBeLessThanOrEqual(120);
    expect(cut.endsWith('…')).toBe(true);
    expect(fitText('abc', 3, measure)).toBe('');
  });
});
