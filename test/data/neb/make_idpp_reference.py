#!/usr/bin/python3
"""
Reference NEB bands from ASE (python3-ase 3.22.1) for test/unit/idpp.test.ts.

For each case the endpoints are built here (plain numpy, no ionpath code), then
  - linear:  ase.neb.interpolate(images, mic=True)
  - IDPP:    what ase.neb.idpp_interpolate(images, mic=True, fmax=FMAX, steps=STEPS,
             optimizer=FIRE) does (IDPP calculators with mic, NEB 'aseneb', k=0.1), written out.
             FIRE rather than the default MDMin: MDMin stalls around fmax 2e-4..7e-3 on these
             symmetric bands (the 'aseneb' tangent flips between equal-energy images).
and everything (lattice, symbols, endpoint positions, band positions, the settings and ASE
version) is written to idpp-ase.json next to this script.

Run:  /usr/bin/python3 test/data/neb/make_idpp_reference.py
"""
import json
import os
import sys
import time

import numpy as np
import ase
from ase import Atoms
from ase.neb import IDPP, NEB, interpolate
from ase.optimize import FIRE
from pymatgen.core import Lattice, Structure

FMAX = 1e-3
STEPS = 5000
HERE = os.path.dirname(os.path.abspath(__file__))


def limn2o4_pymatgen():
    """LiMn2O4 spinel in Fd-3m origin choice 2 (pymatgen's Fd-3m table is origin choice 1:
    build there with origin-1 coordinates, Li 8a (0,0,0), Mn 16d (5/8,5/8,5/8), O 32e x+1/8,
    then shift by -1/8 to origin choice 2)."""
    a, x = 8.251, 0.2628
    s = Structure.from_spacegroup('Fd-3m', Lattice.cubic(a), ['Li', 'Mn', 'O'],
                                  [[0, 0, 0], [0.625] * 3, [x + 0.125] * 3])
    s.translate_sites(list(range(len(s))), [-0.125] * 3, frac_coords=True, to_unit_cell=True)
    assert s.composition.as_dict() == {'Li': 8, 'Mn': 16, 'O': 32}, s.composition
    return s


def p31m_pymatgen():
    """The synthetic P31m host of test/data/neb/build.ts (K3V5O11, not a real compound)."""
    return Structure.from_spacegroup(
        'P31m', Lattice.hexagonal(8.7, 5.0), ['K', 'V', 'V', 'O', 'O', 'O'],
        [[0.784, 0, 0.5], [0.321, 0, 0.925], [1 / 3, 2 / 3, 0.598], [0.65, 0, 0.993], [0.76, 0.573, 0.428],
         [1 / 3, 2 / 3, 0.999]])


def spinel_case():
    """Li vacancy hop 8a (1/8,1/8,1/8) -> 16c (0,0,0) -> 8a (7/8,7/8,7/8) in the conventional cell (55 atoms)."""
    s = limn2o4_pymatgen()
    frac = np.array(s.frac_coords)
    symbols = [site.specie.symbol for site in s]

    def find(p):
        d = frac - np.array(p)
        d -= np.round(d)
        return int(np.argmin((d ** 2).sum(1)))

    i_from, i_to = find([0.125] * 3), find([0.875] * 3)
    keep = [k for k in range(len(frac)) if k != i_to]
    moving = keep.index(i_from)
    ini = frac[keep].copy()
    fin = ini.copy()
    fin[moving] = [0.875, 0.875, 0.875]
    cell = s.lattice.matrix
    return dict(name='limn2o4-conventional-8a-16c-8a', cell=cell, symbols=[symbols[k] for k in keep],
                initial=ini @ cell, final=fin @ cell, moving=moving, nimages=5)


def p31m_case():
    """One Li inserted in the c channel of the host tripled along c (58 atoms): (0,0,0.05) -> (0,0,1.05) of the host cell."""
    s = p31m_pymatgen()
    s.make_supercell([1, 1, 3])
    frac = np.array(s.frac_coords)
    symbols = [site.specie.symbol for site in s]
    cell = s.lattice.matrix
    a = np.array([0, 0, 0.05 / 3])
    b = np.array([0, 0, 1.05 / 3])
    ini = np.vstack([frac, a])
    fin = np.vstack([frac, b])
    return dict(name='p31m-x113-li-interstitial', cell=cell, symbols=symbols + ['Li'], initial=ini @ cell,
                final=fin @ cell, moving=len(symbols), nimages=5)


def run(case):
    cell = case['cell']
    n = case['nimages']
    ini = Atoms(case['symbols'], positions=case['initial'], cell=cell, pbc=True)
    fin = Atoms(case['symbols'], positions=case['final'], cell=cell, pbc=True)
    images = [ini] + [ini.copy() for _ in range(n)] + [fin]
    interpolate(images, mic=True)
    linear = [im.get_positions().tolist() for im in images]
    images2 = [ini.copy()] + [ini.copy() for _ in range(n)] + [fin.copy()]
    interpolate(images2, mic=True)
    t0 = time.time()
    neb = NEB(images2)
    # ase.neb.idpp_interpolate(neb, fmax=FMAX, steps=STEPS, mic=True), spelled out so the final
    # NEB force can be read before the IDPP calculators are detached
    d1 = neb.images[0].get_all_distances(mic=True)
    d2 = neb.images[-1].get_all_distances(mic=True)
    d = (d2 - d1) / (neb.nimages - 1)
    for i, image in enumerate(neb.images):
        image.calc = IDPP(d1 + i * d, mic=True)
    with FIRE(neb, trajectory=None, logfile=None) as opt:
        opt.run(fmax=FMAX, steps=STEPS)
        nsteps = opt.nsteps
    f = neb.get_forces()
    fmax = float(np.sqrt((f ** 2).sum(axis=1).max()))
    dt = time.time() - t0
    idpp = [im.get_positions().tolist() for im in images2]
    print(f"{case['name']}: {len(ini)} atoms, {n} images, IDPP fmax {fmax:.2e} after {nsteps} FIRE steps, {dt:.1f} s", file=sys.stderr)
    return dict(name=case['name'], lattice=cell.tolist(), symbols=case['symbols'],
                initial=np.asarray(case['initial']).tolist(), final=np.asarray(case['final']).tolist(),
                moving=case['moving'], nimages=n, linear=linear, idpp=idpp, idpp_fmax=fmax, idpp_steps=nsteps)


def main():
    cases = [spinel_case(), p31m_case()]
    out = dict(generator='test/data/neb/make_idpp_reference.py', ase_version=ase.__version__,
               settings=dict(mic=True, fmax=FMAX, steps=STEPS, optimizer='FIRE', neb_method='aseneb', k=0.1),
               cases=[run(c) for c in cases])
    with open(os.path.join(HERE, 'idpp-ase.json'), 'w') as fh:
        json.dump(out, fh, indent=1)
        fh.write('\n')


if __name__ == '__main__':
    main()
