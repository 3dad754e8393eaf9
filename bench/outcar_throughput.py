#!/usr/bin/python3
"""Python side of bench/outcar-throughput.ts: read one OUTCAR with pymatgen's Outcar or
ASE's vasp-out reader and print one JSON line {reader, seconds, cpuSeconds, maxRssMB,
baselineRssMB, steps, finalEnergy, error}. Peak memory is this process's ru_maxrss (Linux: kB).

Usage: /usr/bin/python3 bench/outcar_throughput.py pymatgen|ase FILE
"""
import json
import resource
import sys
import time
import warnings

warnings.filterwarnings("ignore")


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main():
    reader, path = sys.argv[1], sys.argv[2]
    out = {"reader": reader, "file": path}
    if reader == "pymatgen":
        from pymatgen.io.vasp.outputs import Outcar
    elif reader == "ase":
        from ase.io import read
    else:
        raise SystemExit(f"unknown reader {reader}")
    out["baselineRssMB"] = rss_mb()
    t0 = time.perf_counter()
    c0 = time.process_time()
    try:
        if reader == "pymatgen":
            o = Outcar(path)
            # the number of ionic steps the way REFERENCE.md counts them
            o.read_pattern({"steps": r"FREE ENERGIE OF THE ION-ELECTRON SYSTEM"}, postprocess=str)
            out["steps"] = len(o.data.get("steps", []))
            out["finalEnergy"] = o.final_energy
        else:
            images = read(path, index=":", format="vasp-out")
            out["steps"] = len(images)
            out["finalEnergy"] = float(images[-1].get_potential_energy())
    except Exception as e:  # report, do not crash the benchmark
        out["error"] = f"{type(e).__name__}: {e}"
    out["seconds"] = time.perf_counter() - t0
    out["cpuSeconds"] = time.process_time() - c0
    out["maxRssMB"] = rss_mb()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
