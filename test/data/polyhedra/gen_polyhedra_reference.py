#!/usr/bin/env python3
"""Reference polyhedra for test/unit/polyhedra.test.ts, computed independently of ionpath.

Structures are read with pymatgen (CifParser for the fixture CIFs, Poscar for the MgMn2O4
relaxation POSCAR/CONTCAR); ligands are the anions within hand-chosen per-pair cutoffs
(listed below, chosen from the bond-length gaps of these structures); volumes come from
scipy.spatial.ConvexHull (Qhull) of the ligand positions; the other metrics are computed
here with numpy from their published definitions:
  Baur (1974) distortion index, Robinson-Gibbs-Ribbe (1971) quadratic elongation and
  bond-angle variance (octahedron: the 12 angles other than the trans pairs; tetrahedron:
  all 6), Hoppe (1979) ECoN (iterated weighted mean bond length, start l_min);
and bond-valence sums with pymatgen.analysis.bond_valence.calculate_bv_sum (b = 0.31 A).

Run: /usr/bin/python3 test/data/polyhedra/gen_polyhedra_reference.py > test/data/polyhedra/polyhedra-reference.json
Needs the shared fixtures at $IONPATH_FIXTURES (default ../shared/fixtures from the repo root).
"""
import itertools
import json
import os
import sys
import warnings

import numpy as np
import pymatgen
import scipy
from pymatgen.analysis.bond_valence import calculate_bv_sum
from pymatgen.core import Lattice, Structure
from pymatgen.io.cif import CifParser
from pymatgen.io.vasp import Poscar
from scipy.spatial import ConvexHull

warnings.filterwarnings("ignore")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
FIX = os.environ.get("IONPATH_FIXTURES", os.path.join(ROOT, "..", "shared", "fixtures"))

ANIONS = {"O", "F", "S", "Se", "Cl"}
CUTOFFS = {  # Angstrom, per cation element (ligand O)
    "Li": 2.5, "Mn": 2.45, "Ni": 2.3, "Co": 2.3, "Mg": 2.4, "P": 1.9, "V": 2.3, "Fe": 2.4, "Sb": 2.3, "Ti": 2.3,
}


def metrics(vecs):
    vecs = np.asarray(vecs)
    n = len(vecs)
    l = np.linalg.norm(vecs, axis=1)
    lav = l.mean()
    out = {"cn": n, "meanBondLength": float(lav), "distortionIndex": float(np.mean(np.abs(l - lav)) / lav)}
    vol = float(ConvexHull(vecs).volume) if n >= 4 else 0.0
    out["volume"] = vol
    # ECoN
    w_av = l.min()
    for _ in range(1000):
        w = np.exp(1 - (l / w_av) ** 6)
        new = float((l * w).sum() / w.sum())
        if abs(new - w_av) <= 1e-15 * w_av:
            w_av = new
            break
        w_av = new
    out["effectiveCoordination"] = float(np.exp(1 - (l / w_av) ** 6).sum())
    unit = vecs / l[:, None]
    ang = np.degrees(np.arccos(np.clip(unit @ unit.T, -1, 1)))
    if n == 6:
        l0 = (3 * vol / 4) ** (1 / 3)
        trans = {tuple(sorted((i, int(np.argmax(ang[i]))))) for i in range(6)}
        assert len(trans) == 3, "trans pairs not a matching"
        cis = [ang[i, j] for i, j in itertools.combinations(range(6), 2) if (i, j) not in trans]
        out["quadraticElongation"] = float(np.mean((l / l0) ** 2))
        out["bondAngleVariance"] = float(np.sum((np.array(cis) - 90.0) ** 2) / 11)
    elif n == 4:
        l0 = (vol * 9 * np.sqrt(3) / 8) ** (1 / 3)
        a = [ang[i, j] for i, j in itertools.combinations(range(4), 2)]
        t0 = np.degrees(np.arccos(-1 / 3))
        out["quadraticElongation"] = float(np.mean((l / l0) ** 2))
        out["bondAngleVariance"] = float(np.sum((np.array(a) - t0) ** 2) / 5)
    else:
        out["quadraticElongation"] = None
        out["bondAngleVariance"] = None
    return out


def polyhedra(struct):
    res = []
    for i, site in enumerate(struct):
        el = site.species.elements[0].symbol if len(site.species) == 1 else max(site.species.items(), key=lambda kv: kv[1])[0].symbol
        if el in ANIONS or el not in CUTOFFS:
            continue
        nbs = [nb for nb in struct.get_neighbors(site, CUTOFFS[el]) if nb.species.elements[0].symbol in ANIONS]
        vecs = [nb.coords - site.coords for nb in nbs]
        m = metrics(vecs)
        m.update({
            "index": i,
            "label": site.label if hasattr(site, "label") and site.label else el,
            "element": el,
            "frac": [float(x) for x in np.mod(site.frac_coords, 1.0)],
            "distances": sorted(float(nb.nn_distance) for nb in nbs),
            "bvsPymatgen": float(calculate_bv_sum(site, nbs)) if len(site.species) == 1 and all(len(nb.species) == 1 for nb in nbs) else None,
        })
        res.append(m)
    return res


def lattice(struct):
    L = struct.lattice
    return {"a": L.a, "b": L.b, "c": L.c, "alpha": L.alpha, "beta": L.beta, "gamma": L.gamma, "volume": L.volume}


out = {
    "generator": "test/data/polyhedra/gen_polyhedra_reference.py",
    "pymatgen": getattr(pymatgen, "__version__", None) or __import__("importlib.metadata").metadata.version("pymatgen"),
    "scipy": scipy.__version__,
    "cutoffs": CUTOFFS,
    "structures": {},
}
# pymatgen 2022.11's CifParser expands this origin-choice-2 ('F d -3 m Z') file with
# origin-1 operators and silently gets Li16Mn8O32 (see the fixtures' PROVENANCE.md); build
# it from the same numbers with the origin-2 setting instead.
limn2o4 = Structure.from_spacegroup(
    "Fd-3m:2", Lattice.cubic(8.251),
    ["Li", "Mn", "O"], [[0.125, 0.125, 0.125], [0.5, 0.5, 0.5], [0.2628, 0.2628, 0.2628]],
)
assert limn2o4.composition.reduced_formula == "LiMn2O4" and len(limn2o4) == 56
out["structures"]["cif/LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif"] = {
    "nsites": len(limn2o4), "lattice": lattice(limn2o4), "polyhedra": polyhedra(limn2o4),
    "note": "built with Structure.from_spacegroup('Fd-3m:2') from the CIF numbers",
}
for name in [
    "cif/LiNiO2_Hirano1995_ICSD78687_R-3m-H_transcribed.cif",
    "cif/Li2MnO3_Lee2012_ICSD187500_C2m_transcribed.cif",
    "cif/LiCo1-3Ni1-3Mn1-3O2_NCM111_Yin2006_ICSD171750_R-3m-H_transcribed.cif",
    "cif/LiTi2O4_AMCSD0014220_Fd3m_origin1.cif",
]:
    # NCM111 occupancies sum to 1.00066 on 3b: needs a 1.01 tolerance (as PROVENANCE.md notes)
    s = CifParser(os.path.join(FIX, name), occupancy_tolerance=1.01).get_structures(primitive=False)[0]
    out["structures"][name] = {"nsites": len(s), "lattice": lattice(s), "polyhedra": polyhedra(s)}

d = "vasp/atomate2/tests/test_data/vasp/MgMn2O4_magnetic/relax_2_3_(afm)/outputs/"
for f in ("POSCAR.gz", "CONTCAR.gz"):
    s = Poscar.from_file(os.path.join(FIX, d + f)).structure
    out["structures"][d + f] = {"nsites": len(s), "lattice": lattice(s), "polyhedra": polyhedra(s)}

json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
