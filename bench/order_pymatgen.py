#!/usr/bin/python3
"""pymatgen side of bench/order.bench.mjs: orderings of LiNi0.5Mn1.5O4 (lnmo-fd3m: LiMn2O4
framework of Berg 1998 with 16d = Ni0.25Mn0.75, a = 8.1726 A; Li+ Ni2+ Mn4+ O2-) in the
56-atom conventional cell with OrderDisorderedStructureTransformation (EwaldMinimizer).

pymatgen returns symmetry-equivalent orderings as separate structures; to get the distinct
ones they are grouped with StructureMatcher (the usual pymatgen workflow), timed separately.

Prints one JSON line: seconds for each stage (in-process, after imports) and the counts.
  /usr/bin/python3 bench/order_pymatgen.py [KEEP]
"""
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")
t_start = time.perf_counter()
from pymatgen.core import Lattice, Structure
from pymatgen.transformations.standard_transformations import OrderDisorderedStructureTransformation
from pymatgen.analysis.structure_matcher import StructureMatcher
from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

t_import = time.perf_counter() - t_start
keep = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def lnmo():
    s = Structure.from_spacegroup("Fd-3m", Lattice.cubic(8.1726), ["Li", "Mn", "O"],
                                  [[0, 0, 0], [0.625, 0.625, 0.625], [0.3878, 0.3878, 0.3878]])  # origin 1 = origin 2 + 1/8
    s.replace_species({"Mn": {"Ni": 0.25, "Mn": 0.75}})
    s.add_oxidation_state_by_element({"Li": 1, "Ni": 2, "Mn": 4, "O": -2})
    return s


out = {"import_s": t_import}
s = lnmo()
t0 = time.perf_counter()
few = OrderDisorderedStructureTransformation().apply_transformation(s, return_ranked_list=keep)
few_sg = [SpacegroupAnalyzer(r["structure"], symprec=0.01).get_space_group_number() for r in few]
out["keep_s"] = time.perf_counter() - t0
out["keep"] = keep
out["keep_energies"] = [r["energy"] for r in few]
out["keep_spacegroups"] = few_sg

t0 = time.perf_counter()
allr = OrderDisorderedStructureTransformation().apply_transformation(s, return_ranked_list=1820)
out["all_s"] = time.perf_counter() - t0
out["all_returned"] = len(allr)
t0 = time.perf_counter()
groups = StructureMatcher().group_structures([r["structure"] for r in allr])
out["dedupe_s"] = time.perf_counter() - t0
out["distinct"] = len(groups)
out["all_plus_dedupe_s"] = out["all_s"] + out["dedupe_s"]
print(json.dumps(out))
