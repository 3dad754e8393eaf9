#!/usr/bin/python3
"""Python side of bench/vasprun-throughput.mjs: read one vasprun.xml with pymatgen or ASE
and print one JSON line {seconds, maxrss_kb, base_kb, n_steps, final_energy}.

    /usr/bin/python3 bench/vasprun_throughput.py FILE pymatgen|pymatgen-lite|ase

pymatgen: Vasprun defaults (parses DOS and eigenvalues); pymatgen-lite: parse_dos=False,
parse_eigen=False, parse_projected_eigen=False (the same work as ionpath's default);
ase: ase.io.read(FILE, index=':', format='vasp-xml') (every ionic step as Atoms).
Imports happen before the clock starts and before base_kb is taken.
"""
import json
import resource
import sys
import time
import warnings


def main():
    path, tool = sys.argv[1], sys.argv[2]
    if tool.startswith("pymatgen"):
        from pymatgen.io.vasp.outputs import Vasprun
    else:
        from ase.io import read
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if tool == "pymatgen":
            v = Vasprun(path, parse_potcar_file=False)
            n, e = len(v.ionic_steps), v.final_energy
        elif tool == "pymatgen-lite":
            v = Vasprun(path, parse_dos=False, parse_eigen=False, parse_projected_eigen=False, parse_potcar_file=False)
            n, e = len(v.ionic_steps), v.final_energy
        else:
            images = read(path, index=":", format="vasp-xml")
            n, e = len(images), images[-1].get_potential_energy()
    seconds = time.perf_counter() - t0
    print(json.dumps({
        "seconds": seconds,
        "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "base_kb": base,
        "n_steps": n,
        "final_energy": float(e),
    }))


if __name__ == "__main__":
    main()
