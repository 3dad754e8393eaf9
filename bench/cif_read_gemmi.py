#!/usr/bin/python3
"""gemmi counterpart of bench/cif_read_pymatgen.py (same usage and output).

Each path: gemmi.cif.read(path), then for every block that has atom sites
gemmi.make_small_structure_from_block(block) and get_all_unit_cell_sites() (the asymmetric
unit expanded to the unit cell, duplicates merged by gemmi).
"""
import json
import sys
import time

import gemmi

paths = [p for p in open(sys.argv[1]).read().splitlines() if p]
per = {}
t_all = time.perf_counter()
for p in paths:
    rec = per.setdefault(p, {"calls": 0, "seconds": 0.0, "ok": 0, "sites": None, "error": None})
    t0 = time.perf_counter()
    try:
        doc = gemmi.cif.read(p)
        counts = []
        for block in doc:
            if block.find_value("_atom_site_fract_x") is None and not block.find_loop("_atom_site_fract_x") \
                    and block.find_value("_atom_site.fract_x") is None and not block.find_loop("_atom_site.fract_x"):
                continue
            st = gemmi.make_small_structure_from_block(block)
            counts.append(len(st.get_all_unit_cell_sites()))
        if not counts:
            raise ValueError("no structure block")
        rec["ok"] += 1
        rec["sites"] = counts
    except Exception as e:
        rec["error"] = repr(e)[:200]
    rec["seconds"] += time.perf_counter() - t0
    rec["calls"] += 1
total = time.perf_counter() - t_all
json.dump({"tool": "gemmi", "version": gemmi.__version__, "total_s": total, "per_file": per}, sys.stdout)
