#!/usr/bin/python3
"""
ASE side of bench/idpp.bench.mjs: IDPP on the band whose endpoints are in the JSON file
given as argv[1] ({lattice, symbols, initial, final (Cartesian Å), nimages, fmax}).

Timed after imports: ase.neb.interpolate(mic=True) + the IDPP relaxation of
ase.neb.idpp_interpolate (IDPP calculators with mic, NEB 'aseneb', k = 0.1) with
  1. FIRE to the same fmax as ionpath (the like-for-like comparison), and
  2. ASE's defaults (MDMin, fmax 0.1, at most 100 steps) for reference.
Prints one JSON document: times, steps, final fmax, and the FIRE band positions.
"""
import json
import sys
import time

import numpy as np
from ase import Atoms
from ase.neb import IDPP, NEB, interpolate
from ase.optimize import FIRE, MDMin


def run(spec, optimizer, fmax, steps):
    cell = np.array(spec['lattice'])
    ini = Atoms(spec['symbols'], positions=spec['initial'], cell=cell, pbc=True)
    fin = Atoms(spec['symbols'], positions=spec['final'], cell=cell, pbc=True)
    n = spec['nimages']
    t0 = time.perf_counter()
    images = [ini] + [ini.copy() for _ in range(n)] + [fin]
    interpolate(images, mic=True)
    neb = NEB(images)
    d1 = images[0].get_all_distances(mic=True)
    d2 = images[-1].get_all_distances(mic=True)
    d = (d2 - d1) / (neb.nimages - 1)
    for i, image in enumerate(images):
        image.calc = IDPP(d1 + i * d, mic=True)
    with optimizer(neb, logfile=None) as opt:
        opt.run(fmax=fmax, steps=steps)
        nsteps = opt.nsteps
    seconds = time.perf_counter() - t0
    f = neb.get_forces()
    reached = float(np.sqrt((f ** 2).sum(axis=1).max()))
    return dict(seconds=seconds, steps=nsteps, fmax=reached, band=[im.get_positions().tolist() for im in images])


def main():
    with open(sys.argv[1]) as fh:
        spec = json.load(fh)
    fire = run(spec, FIRE, spec['fmax'], spec.get('maxSteps', 5000))
    default = run(spec, MDMin, 0.1, 100)
    del default['band']
    import ase
    json.dump(dict(ase=ase.__version__, fire=fire, default=default), sys.stdout)


if __name__ == '__main__':
    main()
