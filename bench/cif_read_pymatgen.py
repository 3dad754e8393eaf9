#!/usr/bin/python3
"""Python side of bench/cif-read.mjs: read and expand CIF files with pymatgen's CifParser.

Usage: /usr/bin/python3 bench/cif_read_pymatgen.py LISTFILE
LISTFILE holds one CIF path per line (the same files repeated, as the node side reads them).
Each path: CifParser(path).get_structures(primitive=False) (every structure block, the
conventional cell). Prints JSON on stdout: {tool, version, total_s, per_file: {path: {calls,
seconds, ok, sites, error}}}. Import time is excluded; failures are timed too (the time to
fail) and counted.
"""
import json
import sys
import time
import warnings

warnings.simplefilter("ignore")
import pymatgen.core
from pymatgen.io.cif import CifParser

paths = [p for p in open(sys.argv[1]).read().splitlines() if p]
per = {}
t_all = time.perf_counter()
for p in paths:
    rec = per.setdefault(p, {"calls": 0, "seconds": 0.0, "ok": 0, "sites": None, "error": None})
    t0 = time.perf_counter()
    try:
        structures = CifParser(p).get_structures(primitive=False)
        rec["ok"] += 1
        rec["sites"] = [len(s) for s in structures]
    except Exception as e:  # pymatgen raises ValueError for several of the fixtures
        rec["error"] = repr(e)[:200]
    rec["seconds"] += time.perf_counter() - t0
    rec["calls"] += 1
total = time.perf_counter() - t_all
json.dump({"tool": "pymatgen", "version": pymatgen.core.__version__, "total_s": total, "per_file": per}, sys.stdout)
