/**
 * The single-neuron steps of the guided tour (src/app/tour.ts; issue 10 "Make it teach"): one per figure
 * of the paper, each set up through the URL hash (schema keys of params.ts) and pointing at one panel.
 * Captions are plain words; the maths is in docs/theory.md §1.
 */
import type { TourStep } from '../plugin.ts';

/**
 * On a software adapter the tour runs the first load's grid size (params.ts SOFTWARE_DEFAULTS: 33 δ, which
 * keep the seven δ of Fig. 2, × 66 directions, 50 steps per frame), not the presets' 2.6·10⁵ trajectories.
 */
const SOFTWARE_GRID = 'dn=33&dirs=66&spf=50';

/** Tour steps on the single-neuron page, in the order a lecture tells them. */
export const SINGLE_NEURON_TOUR: readonly TourStep[] = [
  {
    figure: 'Fig. 2', title: 'Lazy, rich and delayed-rich paths',
    hash: 'p=fig2&view=beta&c=delta&map=regime&panels=1&tr=1',
    software: SOFTWARE_GRID,
    target: '#portrait-wrap',
    caption: 'Each dot is one network f(x) = a wᵀx, drawn at β = a w, the function it computes. All start on a circle '
      + 'and flow to the target β* (ring). Colour is δ = a² − ‖w‖², the difference of the two layers\' sizes, which '
      + 'training conserves. Red (δ > 0, big last layer): straight paths — lazy, like linear regression. White (δ ≈ 0): '
      + 'curved paths that first turn towards β* — rich. Blue (δ < 0): paths that shrink towards 0 and leave late — delayed-rich.',
  },
  {
    figure: 'Fig. 2', title: 'Conserved surfaces in parameter space',
    hash: 'p=fig2&view=3d&sd=-1&c=delta&map=regime&panels=1&tr=1',
    software: SOFTWARE_GRID,
    target: '#space3d',
    caption: 'The same networks in their parameters (w₁, w₂, a). Because δ = a² − ‖w‖² never changes, each network '
      + 'slides on its own surface: one sheet for δ < 0 (drawn here, δ = −1), a cone for δ = 0, two sheets for δ > 0. '
      + 'The solid curve is every (w, a) with a w = β*: the global minima. Drag to turn the view; "3-D: surface δ" picks the surface.',
  },
  {
    figure: 'Fig. 3', title: 'Kernel distance: does the network learn features?',
    hash: 'p=fig2&view=beta&c=kernelDistance&map=kernelDistance&panels=1&tr=1',
    software: SOFTWARE_GRID,
    target: '#regime-map',
    caption: 'The kernel distance S(t) measures how far the network\'s kernel (NTK) has moved from its start: 0 = not at all '
      + '(lazy), 1 = completely. The map shows S for every δ (rows) and starting direction (columns); the dots are coloured by it '
      + 'too. S stays near 0 for δ > 0, jumps early near δ = 0 (rich) and late for δ < 0 (delayed-rich). Click a row to plot S(t).',
  },
  {
    figure: 'Fig. 4b', title: 'Implicit bias: which solution is reached',
    hash: 'p=fig4b&view=beta&c=delta&map=regime&panels=1&tr=1',
    software: SOFTWARE_GRID,
    target: '#portrait-wrap',
    caption: 'One training point only: every β on the dashed cyan line fits it exactly. Which one a network ends at depends on '
      + 'its δ. Lazy networks (red, δ > 0) stop at the point of the line nearest to where they started; rich ones (δ ≤ 0, '
      + 'small start) go to the sparse solution. Small rings mark the end points the theory predicts. The regime map reads '
      + 'all lazy here: with one point the kernel is a single number, so S(t) = 0; the bias shows in the portrait.',
  },
  {
    figure: 'Fig. 8', title: 'Gradient descent against the exact flow',
    hash: 'p=fig8&view=beta&c=theoryError&map=regime&panels=1&tr=1',
    software: SOFTWARE_GRID,
    target: '#hud',
    caption: 'The theory is about gradient flow; in practice we run gradient descent with a finite learning rate η. Colour is '
      + 'now |GD − exact solution| (log scale). The panel lists the largest error and how much δ drifts: GD breaks the '
      + 'conservation law by O(η²) per step. Raise "step" (training folder) and watch both grow.',
  },
];
