#!/usr/bin/python3
"""Expected NEB spline values for test/unit/barrier.test.ts, from scipy (independent of
ionpath): the VTST force-based cubic Hermite spline through (r_i, E_i) with slopes
dE/dr = -F_tangent (scipy.interpolate.CubicHermiteSpline), its interior extrema (roots of
the derivative), and a natural cubic spline (scipy CubicSpline, bc_type='natural') for the
no-forces fallback. Inputs r, E, F are pymatgen's values in ../shared/fixtures/vasp/reference.json.

Run: /usr/bin/python3 test/unit/barrier-expected.py > test/unit/barrier-expected.json
"""
import json
import os
import sys

import numpy as np
from scipy.interpolate import CubicHermiteSpline, CubicSpline

ROOT = os.environ.get("IONPATH_FIXTURES") or os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "fixtures")
ref = json.load(open(os.path.join(ROOT, "vasp", "reference.json")))

RUNS = {
    "npjuc-bilayer-graphene-synapse/fig-2d-NEB/NEB": ("from_dir",),
    "atomate2/tests/test_data/vasp/Si_NEB/NEB/outputs": ("from_dir_relaxation_dirs",),
}


def extrema(sp, r):
    d = sp.derivative()
    out = []
    roots = d.roots(extrapolate=False)
    for x in sorted(roots):
        # interior of a segment only (not at a knot)
        if np.min(np.abs(np.asarray(r) - x)) < 1e-9:
            continue
        k = int(np.searchsorted(r, x) - 1)
        t = (x - r[k]) / (r[k + 1] - r[k])
        curv = float(sp.derivative(2)(x))
        out.append({"coordinate": float(x), "image": k + float(t), "energy": float(sp(x)), "kind": "max" if curv < 0 else "min"})
    return out


out = {"_meta": {"generator": "test/unit/barrier-expected.py", "scipy": __import__("scipy").__version__}}
for run, (key,) in RUNS.items():
    d = ref[run][key]
    r = np.array(d["r_cumulative_A"])
    e = np.array(d["energies_rel_to_first_eV"])
    f = np.array(d["tangent_forces"])
    h = CubicHermiteSpline(r, e, -f)
    n = CubicSpline(r, e, bc_type="natural")
    xs = np.linspace(r[0], r[-1], 7)
    ex = extrema(h, r)
    mx = max([x for x in ex if x["kind"] == "max"], key=lambda x: x["energy"])
    out[run] = {
        "r": r.tolist(),
        "e": e.tolist(),
        "f": f.tolist(),
        "hermite_at": {"x": xs.tolist(), "y": h(xs).tolist(), "dydx": h.derivative()(xs).tolist()},
        "hermite_extrema": ex,
        "hermite_max": mx,
        "natural_at": {"x": xs.tolist(), "y": n(xs).tolist()},
        "natural_extrema": extrema(n, r),
    }
json.dump(out, sys.stdout, indent=1)
print()
