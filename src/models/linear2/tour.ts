/**
 * The two-layer linear steps of the guided tour (src/app/tour.ts; issue 13, paper Part II): the singular-value
 * mirror flow (Thm B.6) and the implicit bias of δ on matrix sensing, each set up through the URL hash (schema
 * keys of params.ts). Maths: docs/theory.md §2.
 */
import type { TourStep } from '../plugin.ts';

/** Tour steps on the linear page. */
export const LINEAR2_TOUR: readonly TourStep[] = [
  {
    figure: 'Thm B.6', title: 'Singular values follow a mirror flow',
    hash: 'p=aligned',
    // On a software adapter: 15 steps per frame (a view field), so the 1,200 steps take seconds, not a minute, and the
    // chart still gets ~80 read-backs (one per frame at most): 60 gave ~12, too few to show δ = 0's sigmoidal jump.
    software: 'spf=15',
    target: '#l2-sv-panel',
    caption: 'Three wide linear networks with different layer imbalance δ learn the same 3×3 target. Solid curves are the '
      + 'singular values of β = WᵀA as trained; dashed curves are the mirror-flow prediction λ̇ = −√(δ² + 4λ²) ∂L/∂λ. Here the '
      + 'start shares the target\'s singular vectors, so the prediction is exact: δ = 0 waits and then jumps (rich), δ = 2 and 4 '
      + 'move at once and smoothly (lazy). Switch the preset to "not aligned" to see the prediction miss once the vectors turn.',
  },
  {
    figure: 'Part II', title: 'Balanced starts find low rank (matrix sensing)',
    hash: 'p=sensing',
    target: '#l2-spectrum-panel',
    caption: 'Nine networks, δ from −4 to 4, recover a rank-1 6×6 matrix from only 20 measurements. Each dot is one singular value '
      + 'of the trained β. Near δ = 0 one value is large and the rest are near zero: the low-rank (nuclear-norm) answer. For large '
      + '|δ| every value stays non-zero, close to the minimum-Frobenius answer (dashed lines): lazy, ℓ²-like learning.',
  },
];
