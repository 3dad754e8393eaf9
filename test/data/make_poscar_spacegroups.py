#!/usr/bin/python3
"""Reference space groups of the POSCAR/CONTCAR fixtures, for test/unit/poscar-fixtures.test.ts.

For every POSCAR/CONTCAR/.vasp file in ../shared/fixtures/vasp that pymatgen reads, the space
group from pymatgen's SpacegroupAnalyzer (spglib) at symprec 0.01 Å (angle tolerance 5°, the
default). Files without a species line and no labels get the species ionpath's test passes
(`SPECIES`). Run: /usr/bin/python3 test/data/make_poscar_spacegroups.py > test/data/poscar-spacegroups.json
"""
import json
import os
import sys
import warnings

import pymatgen.core
import spglib
from pymatgen.io.vasp import Poscar
from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("IONPATH_FIXTURES", os.path.join(HERE, "..", "..", "..", "shared", "fixtures"))
VASP = os.path.join(ROOT, "vasp")
SPECIES = {"ase/ase/test/testdata/vasp/POSCAR_example_1": ["H"]}

ref = json.load(open(os.path.join(VASP, "reference.json")))
out = {
    "_meta": {
        "generated_by": "test/data/make_poscar_spacegroups.py",
        "pymatgen": pymatgen.core.__version__,
        "spglib": spglib.__version__,
        "symprec": 0.01,
        "species_given": SPECIES,
    }
}
for rel, r in sorted(ref.items()):
    if rel == "_meta" or r.get("kind") != "POSCAR" or r.get("n_sites") is None:
        continue
    path = os.path.join(VASP, rel)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if rel in SPECIES:
            text = open(path).read()
            p = Poscar.from_string(text, default_names=SPECIES[rel])
        else:
            p = Poscar.from_file(path, check_for_POTCAR=False)
    sga = SpacegroupAnalyzer(p.structure, symprec=0.01)
    out[rel] = {"number": sga.get_space_group_number(), "symbol": sga.get_space_group_symbol()}
json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
