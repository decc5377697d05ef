/**
 * Download helpers every model's app uses: save a blob through a temporary link, and compose PNGs of
 * views (canvases or PNG blobs) on the app's dark background.
 */
import { BACKGROUND_COLOR } from '../views/colormaps.ts';

/** Saves a blob under `name` through a temporary link. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Composes images into one PNG: each inner array is a row laid out left to right at native size, rows
 * top to bottom, with `gap` device pixels between them, on the dark background.
 */
export async function composePng(rows: (HTMLCanvasElement | ImageBitmap)[][], gap = 8): Promise<Blob> {
  const rowSizes = rows.map((r) => ({ w: r.reduce((s, im) => s + im.width, 0) + gap * Math.max(0, r.length - 1), h: Math.max(0, ...r.map((im) => im.height)) }));
  const width = Math.max(1, ...rowSizes.map((r) => r.w)) + 2 * gap;
  const height = rowSizes.reduce((s, r) => s + r.h + gap, gap);
  const out = Object.assign(document.createElement('canvas'), { width, height });
  const g = out.getContext('2d') as CanvasRenderingContext2D;
  g.fillStyle = BACKGROUND_COLOR;
  g.fillRect(0, 0, width, height);
  let y = gap;
  rows.forEach((r, i) => {
    let x = gap;
    for (const im of r) { g.drawImage(im, x, y); x += im.width + gap; }
    y += rowSizes[i].h + gap;
  });
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('composePng: encoding failed'))), 'image/png'));
}

/** Decodes PNG blobs (e.g. from view toPng()) for {@link composePng}. */
export function decode(blobs: Blob[]): Promise<ImageBitmap[]> {
  return Promise.all(blobs.map((b) => createImageBitmap(b)));
}
