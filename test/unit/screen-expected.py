#!/usr/bin/env python3
"""Reference numbers for test/unit/screen.test.ts and capacity-cli.test.ts, from pymatgen.

Run: /usr/bin/python3 test/unit/screen-expected.py > test/unit/screen-expected.json
(fixtures from $IONPATH_FIXTURES, default ../shared/fixtures).

For each Li fixture: the reduced formula, space-group number (SpacegroupAnalyzer, symprec
0.01), crystal density (g/cm^3) and the theoretical capacity for extracting all Li:
gravimetric = n_Li * F / (3.6 * M) with F = e * N_A (scipy CODATA) and M the molar mass of
the composition (pymatgen's atomic weights); volumetric = gravimetric * density.
LiMn2O4 is built with Structure.from_spacegroup('Fd-3m:2') from the CIF's three sites:
pymatgen's CifParser silently expands that file with origin-1 operators (see the fixtures'
PROVENANCE.md). NCM111 needs occupancy_tolerance=1.01 (its 3b site sums to 1.00066).
K3V5O14 + 10 Li: the 450 mAh/g of Ma, Yan et al., Nat. Commun. 2026.
"""
import json
import os
import sys
import warnings

warnings.filterwarnings("ignore")
from pymatgen.core import Composition, Lattice, Structure  # noqa: E402
from pymatgen.io.cif import CifParser  # noqa: E402
from pymatgen.symmetry.analyzer import SpacegroupAnalyzer  # noqa: E402
from scipy.constants import N_A, e  # noqa: E402

F = e * N_A
root = os.environ.get("IONPATH_FIXTURES", os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "fixtures"))
cif = os.path.join(root, "cif")


def grav(n, comp):
    return n * F / (3.6 * comp.weight)


def entry(s):
    comp = s.composition.element_composition
    n_li = comp["Li"]
    g = grav(n_li, comp)
    return {
        "reducedFormula": comp.reduced_formula,
        "spacegroupNumber": SpacegroupAnalyzer(s, symprec=0.01).get_space_group_number(),
        "density": float(s.density),
        "gravimetric": g,
        "volumetric": g * float(s.density),
    }


out = {"faraday": F, "structures": {}}
lmo = Structure.from_spacegroup("Fd-3m:2", Lattice.cubic(8.251), ["Li", "Mn", "O"], [[0.125] * 3, [0.5] * 3, [0.2628] * 3])
out["structures"]["LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif"] = entry(lmo)
for name, tol in [
    ("LiTi2O4_AMCSD0014220_Fd3m_origin1.cif", 1.0),
    ("LiNiO2_Hirano1995_ICSD78687_R-3m-H_transcribed.cif", 1.0),
    ("LiCo1-3Ni1-3Mn1-3O2_NCM111_Yin2006_ICSD171750_R-3m-H_transcribed.cif", 1.01),
]:
    s = CifParser(os.path.join(cif, name), occupancy_tolerance=tol).get_structures(primitive=False)[0]
    out["structures"][name] = entry(s)
k = Composition("K3V5O14")
out["K3V5O14"] = {"electrons": 10, "molarMass": k.weight, "gravimetric": grav(10, k)}
json.dump(out, sys.stdout, indent=2)
sys.stdout.write("\n")
