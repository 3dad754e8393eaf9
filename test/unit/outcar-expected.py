#!/usr/bin/python3
"""Expected values for test/unit/outcar.test.ts, computed with ASE (and pymatgen where
ASE cannot read the file) from the shared VASP fixtures.

Run:  /usr/bin/python3 test/unit/outcar-expected.py > test/unit/outcar-expected.json
(fixtures from $IONPATH_FIXTURES or ../shared/fixtures). Numbers are what ASE 3.22.1 /
pymatgen 2022.11.7 return; the test compares ionpath's reader against them.
"""
import json
import os
import sys
import warnings

import numpy as np
from ase.io import read
from ase import units

warnings.filterwarnings("ignore")

ROOT = os.environ.get("IONPATH_FIXTURES") or os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "fixtures")
VASP = os.path.join(ROOT, "vasp")

FILES = [
    "aiida-vasp/src/aiida_vasp/test_data/exit_codes/ionic-unconverged/out/OUTCAR",
    "aiida-vasp/src/aiida_vasp/test_data/magnetization/OUTCAR",
    "ase/ase/test/testdata/vasp/OUTCAR_example_1",
    "atomate/atomate/vasp/test_files/approx_neb_wf/ep0/outputs/OUTCAR",
    "custodian/tests/files/OUTCAR_auto_nbands",
    "custodian/tests/files/drift/OUTCAR",
    "custodian/tests/files/postprocess/OUTCAR",
    "custodian/tests/files/potim/OUTCAR",
    "npjuc-bilayer-graphene-synapse/fig-2d-NEB/NEB/02/OUTCAR.gz",
    "pymatgen/test_files/OUTCAR.CL",
    "pymatgen/test_files/OUTCAR.gz",
]


def voigt_kb(stress_ev_a3):
    """ASE stress (eV/Å^3, Voigt xx yy zz yz xz xy, sign: positive = tensile) -> VASP 'in kB' order XX YY ZZ XY YZ ZX."""
    s = -np.asarray(stress_ev_a3) / (0.1 * units.GPa)
    return [s[0], s[1], s[2], s[5], s[3], s[4]]


out = {"_meta": {"generator": "test/unit/outcar-expected.py", "ase": __import__("ase").__version__}}
for rel in FILES:
    path = os.path.join(VASP, rel)
    if not os.path.exists(path):
        print(f"missing {path}", file=sys.stderr)
        continue
    images = read(path, index=":", format="vasp-out")
    last = images[-1]
    f = last.get_forces()
    e = {
        "n_images": len(images),
        "energies_sigma0": [float(a.get_potential_energy()) for a in images],
        "free_energies": [float(a.get_potential_energy(force_consistent=True)) for a in images],
        "max_force_per_step": [float(np.sqrt((a.get_forces() ** 2).sum(axis=1)).max()) for a in images],
        "final_cell": last.cell.array.tolist(),
        "final_positions_first_last": [last.positions[0].tolist(), last.positions[-1].tolist()],
        "final_forces_first_last": [f[0].tolist(), f[-1].tolist()],
        "symbols": last.get_chemical_symbols(),
    }
    try:
        e["final_stress_kB"] = [float(x) for x in voigt_kb(last.get_stress())]
    except Exception:
        e["final_stress_kB"] = None
    try:
        e["final_magmoms"] = [float(x) for x in last.get_magnetic_moments()]
    except Exception:
        e["final_magmoms"] = None
    out[rel] = e

json.dump(out, sys.stdout, indent=1)
print()
