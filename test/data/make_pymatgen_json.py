#!/usr/bin/python3
"""pymatgen-written Structure JSON for test/unit/pymatgen-json.test.ts.

Builds a few structures in pymatgen and writes, for each, Structure.as_dict() plus the numbers
pymatgen reports for it (formula, sites, lattice, density, charge, space group at symprec
0.01). Run: /usr/bin/python3 test/data/make_pymatgen_json.py > test/data/pymatgen-structures.json
"""
import json
import sys
import warnings

import pymatgen.core
from pymatgen.core import Lattice, Structure
from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

warnings.simplefilter("ignore")
cases = {}


def add(name, s):
    d = s.as_dict()
    sga = SpacegroupAnalyzer(s, symprec=0.01)
    cases[name] = {
        "dict": d,
        "expected": {
            "formula": s.composition.formula,
            "composition": {str(el): amt for el, amt in s.composition.element_composition.items()},
            "nsites": len(s),
            "abc": list(s.lattice.abc),
            "angles": list(s.lattice.angles),
            "volume": s.volume,
            "density": float(s.density),
            "charge": s.charge,
            "is_ordered": s.is_ordered,
            "spacegroup": sga.get_space_group_number(),
        },
    }


# LiMn2O4 spinel, ordered, with oxidation states and magmoms. pymatgen's "Fd-3m" is origin
# choice 1: Li 8a (0,0,0), Mn 16d (5/8,5/8,5/8), O 32e x = 0.2627 + 1/8 (origin-2 x = 0.2627).
spinel = Structure.from_spacegroup(
    "Fd-3m", Lattice.cubic(8.2476), ["Li", "Mn", "O"],
    [[0.0, 0.0, 0.0], [0.625, 0.625, 0.625], [0.3877, 0.3877, 0.3877]],
)
spinel.add_oxidation_state_by_element({"Li": 1, "Mn": 3.5, "O": -2})
spinel.add_site_property("magmom", [0.0 if sp.symbol != "Mn" else 3.5 for sp in spinel.species])
add("LiMn2O4-spinel-oxi", spinel)

# LiNi0.5Mn1.5O4 with Ni/Mn disorder on 16d: a mixed site, no oxidation states.
lnmo = Structure.from_spacegroup(
    "Fd-3m", Lattice.cubic(8.17), [{"Li": 1}, {"Ni": 0.25, "Mn": 0.75}, {"O": 1}],
    [[0.0, 0.0, 0.0], [0.625, 0.625, 0.625], [0.3885, 0.3885, 0.3885]],
)
add("LiNi0.5Mn1.5O4-disordered", lnmo)

# A P1 cell on a monoclinic lattice with selective dynamics and a partially occupied Li site.
mono = Structure(
    Lattice.from_parameters(5.1, 8.9, 5.2, 90, 109.3, 90),
    [{"Li": 0.75}, "Co", "O", "O"],
    [[0.0, 0.0, 0.0], [0.5, 0.25, 0.5], [0.27, 0.12, 0.76], [0.73, 0.88, 0.24]],
    site_properties={"selective_dynamics": [[True, True, True], [False, False, False], [True, False, True], [True, True, False]]},
)
add("Li0.75CoO2-P1-selective-dynamics", mono)

json.dump({"_meta": {"generated_by": "test/data/make_pymatgen_json.py", "pymatgen": pymatgen.core.__version__}, "cases": cases}, sys.stdout, indent=1)
sys.stdout.write("\n")
