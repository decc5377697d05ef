#!/usr/bin/env python3
"""numpy baseline of the single-neuron GD path (docs/theory.md §1; bench/numpyCompare.ts runs it).

GD on L = ½βᵀXXβ − Xyᵀβ + const with β = a·w, for N trajectories at once (numpy's vectorised
explicit Euler loop on the parameter flow, the update of shaders/singleNeuron/singleNeuron.wgsl.ts gdStep):
    r = XX·(a w) − Xy,   a ← a − η η_a wᵀr,   w ← w − η η_w a r   (old a, w; f64).
Whitened data XX = σ²I use r = σ²β − Xy (the specialisation the kernel generator also makes).
Three loops (--loop), all on the same trajectories and the same update:
  "plain" (default; the issue's baseline): the vectorised loop on the coordinate-major (d, N) layout of the GPU
    state buffer, allocating:  r = s2*a*W - Xy[:, None]  (or XX @ (a*W) - Xy[:, None]);
    a, W = a - ga*(W*r).sum(0), W - gw*a*r
  "optimised": the same layout with preallocated out= buffers and einsum (about 2-3x the plain loop's rate here);
  "textbook": the row-per-trajectory (N, d) layout one writes first, W of shape (N, d), reductions over axis 1:
    r = s2*a[:, None]*W - Xy  (or (a[:, None]*W) @ XX.T - Xy);  a, W = a - ga*(W*r).sum(1), W - gw*a[:, None]*r
    (rows of d = 2 floats: every op strides over short rows, slower than "plain").
Usage: numpy_euler.py STATE.json STEPS [--loop plain|optimised|textbook]  where STATE.json = {"XX": [[..]], "Xy": [..], "eta": η,
"etaA": η_a, "etaW": η_w, "a": [N], "w": [[N] per coordinate j]} (coordinate-major, as the GPU state buffer).
Prints one JSON line: {"n", "steps", "seconds" (the loop only), "rate" (trajectory-steps/s), "loop", "whitened", "a", "w0"}
(the final a and w_0 of the first 4 trajectories, for a consistency check against the CLI's result).
"""
import json
import sys
import time

import numpy as np


def main() -> None:
    cfg = json.load(open(sys.argv[1]))
    steps = int(sys.argv[2])
    XX = np.array(cfg["XX"], dtype=np.float64)
    Xy = np.array(cfg["Xy"], dtype=np.float64)
    d = XX.shape[0]
    a = np.array(cfg["a"], dtype=np.float64)
    W = np.array(cfg["w"], dtype=np.float64).reshape(d, -1)  # (d, N): each coordinate contiguous
    ga = -cfg["eta"] * cfg["etaA"]
    gw = -cfg["eta"] * cfg["etaW"]
    whitened = np.allclose(XX, XX[0, 0] * np.eye(d), rtol=0, atol=0)
    s2 = XX[0, 0]
    loop = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--loop" else "plain"
    if loop not in ("plain", "optimised", "textbook"):
        sys.exit(f"--loop: expected plain, optimised or textbook, got {loop}")
    if loop == "textbook":
        ea, ew = cfg["eta"] * cfg["etaA"], cfg["eta"] * cfg["etaW"]
        Wt = np.ascontiguousarray(W.T)  # (N, d): one row per trajectory
        t0 = time.perf_counter()
        if whitened:
            for _ in range(steps):
                r = s2 * a[:, None] * Wt - Xy
                a, Wt = a - ea * (Wt * r).sum(1), Wt - ew * a[:, None] * r
        else:
            for _ in range(steps):
                r = (a[:, None] * Wt) @ XX.T - Xy
                a, Wt = a - ea * (Wt * r).sum(1), Wt - ew * a[:, None] * r
        report(a, Wt.T, steps, time.perf_counter() - t0, whitened, loop)
        return
    if loop == "plain":
        ea, ew = cfg["eta"] * cfg["etaA"], cfg["eta"] * cfg["etaW"]
        y = Xy[:, None]
        t0 = time.perf_counter()
        if whitened:
            for _ in range(steps):
                r = s2 * a * W - y
                a, W = a - ea * (W * r).sum(0), W - ew * a * r
        else:
            for _ in range(steps):
                r = XX @ (a * W) - y
                a, W = a - ea * (W * r).sum(0), W - ew * a * r
        report(a, W, steps, time.perf_counter() - t0, whitened, loop)
        return
    B = np.empty_like(W)
    R = np.empty_like(W)
    t0 = time.perf_counter()
    for _ in range(steps):
        np.multiply(a, W, out=B)  # β = a w
        if whitened:
            np.multiply(B, s2, out=R)
        else:
            np.matmul(XX, B, out=R)
        R -= Xy[:, None]  # r = XXβ − Xy
        wr = np.einsum("jn,jn->n", W, R)
        R *= gw * a  # −ηη_w a r (old a)
        W += R
        a += ga * wr
    report(a, W, steps, time.perf_counter() - t0, whitened, loop)


def report(a, W, steps: int, seconds: float, whitened: bool, loop: str) -> None:
    n = a.shape[0]
    print(json.dumps({"n": n, "steps": steps, "seconds": seconds, "rate": n * steps / seconds, "loop": loop,
                      "whitened": bool(whitened), "a": a[:4].tolist(), "w0": W[0, :4].tolist()}))


if __name__ == "__main__":
    main()
