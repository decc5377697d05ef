/** Host side of the log-histogram reduction (shaders/logHistogram.wgsl.ts): layout and decoding. */

/** Bins of width (log10Max − log10Min)/bins decades over [10^log10Min, 10^log10Max); values outside clamp to the end bins. */
export const LOG_HISTOGRAM = { bins: 120, log10Min: -10, log10Max: 2 } as const;
/** Words in the reduction buffer: max bits, skipped count, bins. */
export const LOG_HISTOGRAM_WORDS = 2 + LOG_HISTOGRAM.bins;

/** Max, median and 99th percentile of the recorded values, and how many were skipped. */
export interface LogHistogramSummary {
  max: number;
  /** Median, resolved to one bin (0.1 decade): the bin's geometric centre, capped at max. NaN if nothing recorded. */
  median: number;
  /** 99th percentile, resolved like the median. NaN if nothing recorded. */
  p99: number;
  skipped: number;
  /** Number of recorded values. */
  count: number;
}

/**
 * Decodes a reduction buffer read back from the GPU.
 * @param words u32 × LOG_HISTOGRAM_WORDS. @throws Error on a length mismatch.
 */
export function decodeLogHistogram(words: Uint32Array): LogHistogramSummary {
  if (words.length !== LOG_HISTOGRAM_WORDS) throw new Error(`log histogram has ${words.length} words, expected ${LOG_HISTOGRAM_WORDS}`);
  const max = new Float32Array(words.buffer, words.byteOffset, 1)[0];
  const counts = words.subarray(2);
  const count = counts.reduce((s, c) => s + c, 0);
  const { bins, log10Min, log10Max } = LOG_HISTOGRAM;
  // the q-quantile: the centre of the first bin where the running count reaches q·count
  const quantile = (q: number): number => {
    let seen = 0;
    for (let b = 0; b < bins && count > 0; b++) {
      seen += counts[b];
      if (seen >= q * count) return Math.min(max, 10 ** (log10Min + ((b + 0.5) * (log10Max - log10Min)) / bins));
    }
    return Number.NaN;
  };
  return { max, median: quantile(0.5), p99: quantile(0.99), skipped: words[1], count };
}
