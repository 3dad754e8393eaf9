#!/usr/bin/python3
"""Reference Ewald energies from pymatgen (EwaldSummation, OrderDisorderedStructureTransformation)
for test/unit/ewald.test.ts and test/unit/ordering.test.ts.

Run: /usr/bin/python3 bench/ewald_pymatgen.py   (prints JSON; the numbers are committed in the tests)

Structures (same numbers as the ionpath builtins / tests):
  NaCl a = 5.64 A rock salt (Na+ Cl-); CsCl a = 4.123 A (Cs+ Cl-);
  LiMn2O4 (Berg 1998): Fd-3m a = 8.251, written in origin choice 1 for pymatgen's from_spacegroup
    (origin 1 = origin 2 + 1/8,1/8,1/8: Li 0,0,0; Mn 5/8,5/8,5/8; O x = 0.2628 + 1/8 = 0.3878),
    Li+ Mn3.5+ O2-, and the charged variant Li+ Mn4+ O2- (net +8 e per cell);
  lnmo-p4332: P4_332 a = 8.1726, Li 8c x=0, Ni 4b, Mn 12d y=0.375, O 8c x=0.8622,
    O 24e 0.3878 0.8878 0.8878, Li+ Ni2+ Mn4+ O2-;
  lnmo-fd3m: LiMn2O4 framework with 16d = Ni0.25Mn0.75, a = 8.1726: pymatgen's
    OrderDisorderedStructureTransformation (EwaldMinimizer, default algorithm), all 1,820 orderings
    ranked; distinct energies reported;
  Li0.5NiO2: LiNiO2 (Hirano 1995) with Li 3a at occupancy 0.5 in a 2x2x1 supercell, all 924
    orderings ranked by OrderDisorderedStructureTransformation.
"""
import json
import warnings

warnings.filterwarnings("ignore")

from pymatgen.core import Lattice, Structure
from pymatgen.analysis.ewald import EwaldSummation
from pymatgen.transformations.standard_transformations import OrderDisorderedStructureTransformation


def ewald(s):
    e = EwaldSummation(s)
    return {"total": e.total_energy, "real": e.real_space_energy, "reciprocal": e.reciprocal_space_energy,
            "point": e.point_energy, "charged": getattr(e, "_charged_cell_energy", 0.0), "nsites": len(s),
            "formula": s.composition.formula}


out = {}
nacl = Structure.from_spacegroup("Fm-3m", Lattice.cubic(5.64), ["Na+", "Cl-"], [[0, 0, 0], [0.5, 0.5, 0.5]])
out["NaCl"] = ewald(nacl)
cscl = Structure(Lattice.cubic(4.123), ["Cs+", "Cl-"], [[0, 0, 0], [0.5, 0.5, 0.5]])
out["CsCl"] = ewald(cscl)

lmo = Structure.from_spacegroup("Fd-3m", Lattice.cubic(8.251), ["Li", "Mn", "O"],
                                [[0, 0, 0], [0.625, 0.625, 0.625], [0.3878, 0.3878, 0.3878]])
lmo_ok = lmo.copy()
lmo_ok.add_oxidation_state_by_element({"Li": 1, "Mn": 3.5, "O": -2})
out["LiMn2O4"] = ewald(lmo_ok)
lmo_charged = lmo.copy()
lmo_charged.add_oxidation_state_by_element({"Li": 1, "Mn": 4, "O": -2})
out["LiMn2O4_Mn4_charged"] = ewald(lmo_charged)

p4332 = Structure.from_spacegroup("P4_332", Lattice.cubic(8.1726), ["Li", "Ni", "Mn", "O", "O"],
                                  [[0, 0, 0], [0.625, 0.625, 0.625], [0.125, 0.375, -0.375 + 0.25],
                                   [0.8622, 0.8622, 0.8622], [0.3878, 0.8878, 0.8878]])
p4332.add_oxidation_state_by_element({"Li": 1, "Ni": 2, "Mn": 4, "O": -2})
out["lnmo_p4332"] = ewald(p4332)

fd3m = Structure.from_spacegroup("Fd-3m", Lattice.cubic(8.1726), ["Li", "Mn", "O"],
                                 [[0, 0, 0], [0.625, 0.625, 0.625], [0.3878, 0.3878, 0.3878]])
fd3m.replace_species({"Mn": {"Ni": 0.25, "Mn": 0.75}})
fd3m.add_oxidation_state_by_element({"Li": 1, "Ni": 2, "Mn": 4, "O": -2})
t = OrderDisorderedStructureTransformation()  # default ALGO_FAST: exact best-first search of the N lowest
ranked = t.apply_transformation(fd3m, return_ranked_list=1820)
energies = sorted(r["energy"] for r in ranked)
distinct = sorted(set(round(e, 6) for e in energies))
check = EwaldSummation(ranked[0]["structure"]).total_energy
out["lnmo_fd3m_odst"] = {"n_returned": len(ranked), "lowest": energies[0], "lowest_recomputed": check,
                         "distinct_energies": distinct,
                         "count_per_energy": [sum(1 for e in energies if round(e, 6) == d) for d in distinct]}


def odst_summary(s, n):
    ranked = OrderDisorderedStructureTransformation().apply_transformation(s, return_ranked_list=n)
    energies = sorted(r["energy"] for r in ranked)
    distinct = sorted(set(round(e, 6) for e in energies))
    return {"n_returned": len(ranked), "lowest": energies[0], "distinct_energies": distinct,
            "count_per_energy": [sum(1 for e in energies if round(e, 6) == d) for d in distinct]}


# Li0.5NiO2: LiNiO2 (Hirano 1995, R-3m hexagonal axes) with Li 3a half occupied, 2x2x1 supercell
# (12 Li sites, 6 Li: 924 configurations), Li+ Ni3.5+ O2-.
lno = Structure.from_spacegroup("R-3m", Lattice.hexagonal(2.86, 14.199), [{"Li": 0.5}, "Ni", "O"],
                                [[0, 0, 0], [0, 0, 0.5], [0, 0, 0.2417]])
lno.add_oxidation_state_by_element({"Li": 1, "Ni": 3.5, "O": -2})
lno.make_supercell([2, 2, 1])
out["li05nio2_221_odst"] = odst_summary(lno, 924)
out["li05nio2_221_odst"]["formula"] = lno.composition.formula
print(json.dumps(out, indent=1))
