/**
 * The deep-MLP steps of the guided tour (src/app/tour.ts; issue 14, paper Part III): the sample complexity of Fig. 6(c)
 * on the random hierarchy model, and grokking modular addition with an α-scaled embedding (Fig. 12's measure, here with
 * an MLP). Each is set up through the URL hash (schema keys of params.ts); on a software adapter the runs are shrunk by
 * URL keys (fewer steps, sizes and seeds), never by changing the presets. Maths: docs/theory.md §4.
 */
import type { TourStep } from '../plugin.ts';

/** Tour steps on the mlp page. */
export const MLP_TOUR: readonly TourStep[] = [
  {
    figure: 'Fig. 6(c)', title: 'Upstream initialisations need fewer samples',
    hash: 'p=rhm-reduced&vm=testAccuracy&at=-1',
    // Software adapter: 400 steps, sizes 128 and 512, one seed (about a minute on two cores).
    software: 'T=400&n=128,512&sn=1&nt=512',
    target: '#mlp-sample-panel',
    caption: 'Deep ReLU networks learn the random hierarchy model from 256 to 4,096 examples (128, 512 on a software adapter). Each curve is one α (the first layer '
      + 'is divided by α at initialisation, the readout multiplied by α): test accuracy against the number of training samples, '
      + 'with the seeds\' spread dashed. The paper finds that upstream α > 1 (rich, feature learning from the start) reaches a given '
      + 'accuracy with fewer samples than α < 1. Choose "kernel distance S(0, t)" as the metric to see the NTK move sooner for large α.',
  },
  {
    figure: 'Fig. 12', title: 'Grokking sooner with an upstream embedding (an MLP)',
    hash: 'p=grokking&vm=testAccuracy&at=-1',
    software: 'T=600&sn=1&a=0.3,3&t=0.5,1',
    target: '#mlp-grid-panel',
    caption: 'An MLP learns a + b mod 23 from 80 % of the pairs with AdamW and weight decay. The right map shows, per (τ, α), the '
      + 'steps until validation accuracy reaches 0.99 (hatched: not yet). The paper\'s Fig. 12 measures this with a transformer; '
      + 'here it is an MLP, so compare the direction, not the numbers. Below, the first-layer weights of one network and their '
      + 'Fourier transform over a: a few frequencies stand out once it groks.',
  },
];
