#!/usr/bin/python3
"""Python side of bench/poscar-read.mjs: time reading one POSCAR with pymatgen and ASE.

Usage: /usr/bin/python3 bench/poscar-read.py FILE [REPEATS]
Prints JSON {pymatgen: {median_s, runs_s, nsites, version}, ase: {...}} on stdout. Import
time is excluded; each run reads the file from disk (the OS cache is warm after the first).
"""
import json
import statistics
import sys
import time
import warnings

warnings.simplefilter("ignore")
path = sys.argv[1]
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
out = {}

import pymatgen.core
from pymatgen.io.vasp import Poscar

runs = []
n = None
for _ in range(repeats):
    t0 = time.perf_counter()
    p = Poscar.from_file(path, check_for_POTCAR=False)
    runs.append(time.perf_counter() - t0)
    n = len(p.structure)
out["pymatgen"] = {"median_s": statistics.median(runs), "runs_s": runs, "nsites": n, "version": pymatgen.core.__version__}

import ase
import ase.io

runs = []
for _ in range(repeats):
    t0 = time.perf_counter()
    atoms = ase.io.read(path, format="vasp")
    runs.append(time.perf_counter() - t0)
    n = len(atoms)
out["ase"] = {"median_s": statistics.median(runs), "runs_s": runs, "nsites": n, "version": ase.__version__}

json.dump(out, sys.stdout)
sys.stdout.write("\n")
