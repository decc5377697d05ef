/**
 * The two-layer ReLU steps of the guided tour (src/app/tour.ts; issue 10): paper Fig. 1a, Fig. 1b and Fig. 5a,
 * each set up through the URL hash (schema keys of params.ts). Maths: docs/theory.md §3.
 */
import type { TourStep } from '../plugin.ts';

/** Tour steps on the ReLU page. */
export const RELU2_TOUR: readonly TourStep[] = [
  {
    figure: 'Fig. 1a', title: 'ReLU units finding the teacher\'s directions',
    hash: 'p=fig1a',
    // On a software adapter: the fig1a-quick settings (η = 1e-3 for 10⁵ steps: the same training time 100).
    software: 'eta=0.001&T=100000&cn=50',
    target: '#r2-cells-panel',
    caption: 'Fifty ReLU units learn a "teacher" network with three units (dashed rays) from 20 points in the plane. Each curve '
      + 'is one unit\'s |a| w over training, coloured by the sign of its readout a. Four starts: small scale τ = 0.1 balanced '
      + '(rich: units gather on the teacher rays), large τ = 2 (lazy: units barely move), small τ upstream (α = 10, fast '
      + 'feature learning) and downstream (α = 0.1, directions frozen at first).',
  },
  {
    figure: 'Fig. 1b', title: 'Where feature learning happens: τ × δ',
    hash: 'p=fig1b-reduced',
    target: '#r2-map-panel',
    caption: 'A grid of networks over the starting scale τ and the layer imbalance δ (a reduced version of the paper\'s grid). '
      + 'Colour is the kernel distance S at the chosen checkpoint: near 0 the network stayed lazy (large τ), large S means it '
      + 'learned features (small τ, fastest for δ > 0, upstream). Cells fill in as the grid runs; click one to see its units.',
  },
  {
    figure: 'Fig. 5a', title: 'Upstream units turn, and the activation pattern follows',
    hash: 'p=xor',
    target: '#r2-parity-panel',
    caption: 'Ten ReLU units learn an XOR task. Each picture colours the input plane by whether an even or odd number of units is '
      + 'on, so every colour edge is one unit\'s boundary. Downstream (α = 0.1) the boundaries stay where they started and the '
      + 'readouts do the fitting; upstream (α = 10) they turn onto the clusters within a few steps while the parameters barely '
      + 'move. The unit panel below plots each unit\'s angle turned against its change in size.',
  },
];
