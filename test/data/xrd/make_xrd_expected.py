#!/usr/bin/python3
"""Expected powder XRD patterns for test/unit/xrd.test.ts, computed with pymatgen's
XRDCalculator (pymatgen/analysis/diffraction/xrd.py) on the fixture CIFs.

Run from the repository root:
    /usr/bin/python3 test/data/xrd/make_xrd_expected.py > test/data/xrd/xrd-expected.json
Fixtures are read from $IONPATH_FIXTURES (default ../shared/fixtures).

How each structure is obtained in pymatgen:
* most files: CifParser(path).get_structures(primitive=False)[0] (the CIF's own cell);
* NCM111: CifParser(path, occupancy_tolerance=1.01) - the 3b site sums to 1.00066; pymatgen
  then scales the site to 1, as ionpath does (with a warning);
* LiMn2O4 (Berg 1998): CifParser builds the WRONG structure (origin-2 coordinates expanded
  with origin-1 operators, Li16Mn8O32; see fixtures/cif/PROVENANCE.md). The expectation is made
  from Structure.from_spacegroup('Fd-3m:2', ...) with the cell and the three sites of the CIF
  (read through pymatgen's CifFile, uncertainties dropped), which gives Li8Mn16O32.
* LNMO-P4332-model: an ordered-spinel MODEL, not a refined structure: that LiMn2O4 with the Mn
  at the four 16d positions in NI_SITES replaced by Ni (LiNi0.5Mn1.5O4 stoichiometry, Ni on
  one 4b orbit of P4_332 - SpacegroupAnalyzer finds 212; positions not relaxed). It exercises
  the P4_332 superstructure reflections (110, 210, ...) and the ordered-spinel ratio rule.
"""
import json
import os
import re
import sys
import warnings

from pymatgen.analysis.diffraction.xrd import XRDCalculator
from pymatgen.core import Lattice, Structure
from pymatgen.io.cif import CifFile, CifParser
from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

warnings.filterwarnings("ignore")
ROOT = os.environ.get("IONPATH_FIXTURES", os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared", "fixtures"))
ROOT = os.path.abspath(ROOT)
if not os.path.isdir(ROOT):
    ROOT = os.path.abspath(os.path.join(os.getcwd(), "..", "shared", "fixtures"))


def num(s):
    return float(re.sub(r"\(\d+\)$", "", s))


def limn2o4(path):
    block = list(CifFile.from_file(path).data.values())[0].data
    latt = Lattice.cubic(num(block["_cell_length_a"]))
    species, coords = [], []
    for sym, x, y, z in zip(block["_atom_site_type_symbol"], block["_atom_site_fract_x"], block["_atom_site_fract_y"], block["_atom_site_fract_z"]):
        species.append(re.match(r"[A-Z][a-z]?", sym).group(0))
        coords.append([num(x), num(y), num(z)])
    return Structure.from_spacegroup("Fd-3m:2", latt, species, coords)


NI_SITES = [[0.75, 0.5, 0.75], [0.5, 0.25, 0.25], [0.25, 0.75, 0.0], [0.0, 0.0, 0.5]]


def lnmo_model(path):
    s = limn2o4(path)
    for i, site in enumerate(s):
        if site.specie.symbol == "Mn" and any(max(abs((a - b + 0.5) % 1 - 0.5) for a, b in zip(site.frac_coords, f)) < 1e-6 for f in NI_SITES):
            s.replace(i, "Ni")
    return s


CASES = [
    # (key, fixture file, how to read, list of (wavelength, two_theta_range, debye_waller))
    ("LiNiO2", "cif/LiNiO2_Hirano1995_ICSD78687_R-3m-H_transcribed.cif", {}, [("CuKa", [0, 90], None), ("MoKa", [5, 60], None)]),
    ("NCM111", "cif/LiCo1-3Ni1-3Mn1-3O2_NCM111_Yin2006_ICSD171750_R-3m-H_transcribed.cif", {"occupancy_tolerance": 1.01}, [("CuKa", [0, 90], None)]),
    ("Li2MnO3", "cif/Li2MnO3_Lee2012_ICSD187500_C2m_transcribed.cif", {}, [("CuKa", [0, 90], None), (1.5406, [10, 80], {"Li": 1.0, "Mn": 0.4, "O": 0.8})]),
    ("LiTi2O4", "cif/LiTi2O4_AMCSD0014220_Fd3m_origin1.cif", {}, [("CuKa", [0, 90], None), ("CoKa", [10, 120], None)]),
    ("LiMn2O4", "cif/LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif", "from_spacegroup", [("CuKa", [0, 90], None), ("CuKa1", [10, 90], None)]),
    ("LNMO-P4332-model", "cif/LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif", "lnmo_model", [("CuKa", [0, 90], None)]),
    ("Li2Pt3B", "cif/Li2Pt3B_COD1511225_P4332_omdb-findsym.cif", {}, [("CuKa", [0, 90], None)]),
    ("Li2Fe3SbO8", "cif/Li2Fe3SbO8_AMCSD0013490_P63mc_mixed-sites_transcribed.cif", {}, [("CuKa", [0, 90], None)]),
    ("CuSe", "cif/CuSe_COD9011303_P-421m_DFT-model_omdb-findsym.cif", {}, [("CuKa", [0, 90], None)]),
]

out = {"generator": "test/data/xrd/make_xrd_expected.py", "tool": "pymatgen XRDCalculator", "cases": []}
try:
    from importlib.metadata import version
    out["pymatgenVersion"] = version("pymatgen")
except Exception:  # pragma: no cover
    pass

for key, rel, how, runs in CASES:
    path = os.path.join(ROOT, rel)
    if how == "from_spacegroup":
        s = limn2o4(path)
    elif how == "lnmo_model":
        s = lnmo_model(path)
    else:
        s = CifParser(path, **how).get_structures(primitive=False)[0]
    for wl, rng, dw in runs:
        calc = XRDCalculator(wavelength=wl, debye_waller_factors=dw)
        p = calc.get_pattern(s, two_theta_range=tuple(rng))
        peaks = []
        for x, y, hk, d in zip(p.x, p.y, p.hkls, p.d_hkls):
            peaks.append({
                "twoTheta": float(x),
                "d": float(d),
                "intensity": float(y),
                "families": [{"hkl": [int(i) for i in f["hkl"]], "multiplicity": int(f["multiplicity"])} for f in hk],
            })
        out["cases"].append({
            "key": key,
            "fixture": rel,
            "read": how if isinstance(how, str) else ("CifParser" + (f"({how})" if how else "")),
            "formula": s.composition.formula,
            "nsites": len(s),
            "wavelength": wl,
            "twoThetaRange": rng,
            "debyeWaller": dw,
            "hexagonal": bool(s.lattice.is_hexagonal()),
            "spacegroup": SpacegroupAnalyzer(s, symprec=0.01).get_space_group_number(),
            "peaks": peaks,
        })

json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
