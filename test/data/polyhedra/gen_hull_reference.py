#!/usr/bin/env python3
"""Reference values for test/unit/hull.test.ts.

Point sets (random, on a sphere, integer grids with massive coplanarity, polyhedra with
points on faces and edges, far-from-origin offsets) with scipy.spatial.ConvexHull
(Qhull) volume and area, and exact signs of the orient3d determinant for nearly
degenerate quadruples computed with Python's exact rational arithmetic (fractions).

Run: /usr/bin/python3 test/data/polyhedra/gen_hull_reference.py > test/data/polyhedra/hull-reference.json
"""
import itertools
import json
import sys
from fractions import Fraction

import numpy as np
import scipy
from scipy.spatial import ConvexHull

rng = np.random.default_rng(20240607)
sets = []


def add(name, pts):
    pts = np.asarray(pts, dtype=float)
    h = ConvexHull(pts)
    sets.append({
        "name": name,
        "points": pts.tolist(),
        "volume": float(h.volume),
        "area": float(h.area),
        "nvertices": int(len(h.vertices)),
    })


add("random-50-unit-cube", rng.random((50, 3)))
v = rng.normal(size=(200, 3))
add("sphere-200", v / np.linalg.norm(v, axis=1)[:, None] * 2.5)
add("grid-4x4x4", [list(p) for p in itertools.product(range(4), repeat=3)])
add("grid-3x5x2-scaled", [[0.1 * i, 0.3 * j, 0.7 * k] for i in range(3) for j in range(5) for k in range(2)])
cube = [list(p) for p in itertools.product([0, 1], repeat=3)]
extra = [[0.5, 0.5, 0], [0.5, 0.5, 1], [0.5, 0, 0.5], [0.5, 1, 0.5], [0, 0.5, 0.5], [1, 0.5, 0.5],
         [0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5], [1, 1, 0.5], [0.5, 1, 1], [1, 0.5, 1], [0.5, 0.5, 0.5]]
add("cube-with-face-and-edge-points", cube + extra)
add("octahedron-with-centre", [[2, 0, 0], [-2, 0, 0], [0, 2, 0], [0, -2, 0], [0, 0, 2], [0, 0, -2], [0, 0, 0]])
cubo = [list(p) for p in set(itertools.permutations([1, 1, 0])) | set(itertools.permutations([1, -1, 0])) | set(itertools.permutations([-1, -1, 0]))]
add("cuboctahedron", sorted(cubo))
t = np.linspace(0, 2 * np.pi, 13)[:-1]
add("hexagonal-prism-circles", [[np.cos(a), np.sin(a), z] for z in (0.0, 1.3) for a in t])
add("far-offset-random-30", rng.random((30, 3)) * 3 + np.array([1e6, -2e6, 3e5]))
add("tiny-scale-random-30", rng.random((30, 3)) * 1e-7)
# a skewed "polyhedron": distorted octahedron around a centre, as in crystal structures
oct6 = np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]], float) * 2.0
oct6 += rng.normal(scale=0.08, size=oct6.shape)
add("distorted-octahedron", oct6)

# Nearly degenerate orientation tests: d = a + s(b−a) + t(c−a) rounded to doubles, plus
# one-ulp nudges; exact sign of det[a−d, b−d, c−d] with rational arithmetic.
def exact_sign(a, b, c, d):
    F = [[Fraction(x) for x in p] for p in (a, b, c, d)]
    ad = [F[0][i] - F[3][i] for i in range(3)]
    bd = [F[1][i] - F[3][i] for i in range(3)]
    cd = [F[2][i] - F[3][i] for i in range(3)]
    det = (ad[2] * (bd[0] * cd[1] - cd[0] * bd[1]) + bd[2] * (cd[0] * ad[1] - ad[0] * cd[1])
           + cd[2] * (ad[0] * bd[1] - bd[0] * ad[1]))
    return (det > 0) - (det < 0)


def naive(a, b, c, d):
    ad = [a[i] - d[i] for i in range(3)]
    bd = [b[i] - d[i] for i in range(3)]
    cd = [c[i] - d[i] for i in range(3)]
    return (ad[2] * (bd[0] * cd[1] - cd[0] * bd[1]) + bd[2] * (cd[0] * ad[1] - ad[0] * cd[1])
            + cd[2] * (ad[0] * bd[1] - bd[0] * ad[1]))


orient = []
naive_wrong = 0
for k in range(400):
    a, b, c = (rng.random(3) * 10 - 5 for _ in range(3))
    s, u = rng.random(2) * 3 - 1
    d = a + s * (b - a) + u * (c - a)
    if k % 4 == 1:
        d = np.nextafter(d, d + 1)
    if k % 4 == 2:
        off = np.array([123456.789, -98765.4321, 5555.5])
        a, b, c, d = a + off, b + off, c + off, d + off
    if k % 4 == 3:
        d = np.array([np.nextafter(d[0], 0), d[1], np.nextafter(d[2], 10)])
    q = [list(map(float, p)) for p in (a, b, c, d)]
    sgn = exact_sign(*q)
    nv = naive(*q)
    naive_wrong += ((nv > 0) - (nv < 0)) != sgn
    orient.append({"a": q[0], "b": q[1], "c": q[2], "d": q[3], "sign": sgn})

json.dump({
    "generator": "test/data/polyhedra/gen_hull_reference.py",
    "scipy": scipy.__version__,
    "numpy": np.__version__,
    "sets": sets,
    "orient3d": orient,
    "naiveWrongSigns": int(naive_wrong),
}, sys.stdout, separators=(",", ":"))
sys.stdout.write("\n")
