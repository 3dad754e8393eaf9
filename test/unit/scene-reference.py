#!/usr/bin/env python3
"""Reference numbers for test/unit/scene.test.ts (bonds and polyhedra of the scene builder).

Independent of ionpath: pymatgen builds/reads the structures and finds neighbours, ASE gives
the Cordero covalent radii, scipy's ConvexHull the polyhedron volumes. The bond rule is the
scene builder's: i-j bonded when 0.5 < d <= 1.15 (r_i + r_j), never between two metals.
A polyhedron is drawn around an atom whose bonded neighbours are all more electronegative
(Pauling, pymatgen) than it, with at least 4 of them.

Run: /usr/bin/python3 test/unit/scene-reference.py > test/unit/scene-expected.json
"""
import json
import os
import sys
from collections import defaultdict

import numpy as np
from ase.data import covalent_radii, atomic_numbers
from pymatgen.core import Lattice, Structure, Element
from scipy.spatial import ConvexHull

NON_METALS = {'H', 'D', 'T', 'He', 'B', 'C', 'N', 'O', 'F', 'Ne', 'Si', 'P', 'S', 'Cl', 'Ar', 'Ge', 'As', 'Se',
              'Br', 'Kr', 'Sb', 'Te', 'I', 'Xe', 'At', 'Rn'}
SCALE = 1.15


def rcov(el):
    return float(covalent_radii[atomic_numbers[el]])


def analyse(s, metal_metal=False):
    els = [site.specie.symbol for site in s]
    rmax = max(rcov(e) for e in set(els))
    nbrs = s.get_all_neighbors(2 * rmax * SCALE)
    pairs = defaultdict(list)
    ligands = defaultdict(list)
    nbonds = 0
    for i, lst in enumerate(nbrs):
        for n in lst:
            j = n.index
            d = n.nn_distance
            if not metal_metal and els[i] not in NON_METALS and els[j] not in NON_METALS:
                continue
            if d <= 0.5 or d > SCALE * (rcov(els[i]) + rcov(els[j])):
                continue
            ligands[i].append((j, n.coords))
            key = '-'.join(sorted([els[i], els[j]]))
            pairs[key].append(d)
            nbonds += 1
    assert nbonds % 2 == 0
    chi = [Element(e).X for e in els]
    polys = defaultdict(list)
    for i, lig in ligands.items():
        if len(lig) < 4 or not all(chi[j] > chi[i] for j, _ in lig):
            continue
        counts = defaultdict(int)
        for j, _ in lig:
            counts[els[j]] += 1
        if len(counts) != 1:
            continue
        (le, cn), = counts.items()
        polys[f'{els[i]}{le}{cn}'].append(ConvexHull(np.array([c for _, c in lig])).volume)
    return {
        'natoms': len(s),
        'nbonds': nbonds // 2,
        'pairs': {k: {'count': len(v) // 2, 'min': min(v), 'max': max(v)} for k, v in sorted(pairs.items())},
        'polyhedra': {k: {'count': len(v), 'minVolume': min(v), 'maxVolume': max(v), 'sumVolume': sum(v)} for k, v in sorted(polys.items())},
    }


def main():
    out = {}
    spinel = Structure.from_spacegroup('Fd-3m:2', Lattice.cubic(8.251), ['Li', 'Mn', 'O'],
                                       [[1 / 8, 1 / 8, 1 / 8], [1 / 2, 1 / 2, 1 / 2], [0.2625] * 3])
    out['spinel'] = analyse(spinel)
    out['spinel']['d8a16c'] = float(spinel.lattice.get_distance_and_image([1 / 8] * 3, [0, 0, 0])[0])
    mm = analyse(spinel, metal_metal=True)
    out['spinel_metal_metal'] = {'nbonds': mm['nbonds'], 'pairs': mm['pairs']}
    # Li on the 16c site (0,0,0): its O neighbours within the Li-O bond limit.
    li_o = SCALE * (rcov('Li') + rcov('O'))
    d16 = sorted(n.nn_distance for n in spinel.get_sites_in_sphere([0, 0, 0], 3.0) if n.specie.symbol == 'O')
    out['spinel']['li16c_O'] = {'bonded': sum(1 for d in d16 if d <= li_o), 'nearest': d16[0]}
    fx = os.environ.get('IONPATH_FIXTURES', os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared', 'fixtures'))
    path = os.path.join(fx, 'vasp', 'pymatgen', 'test_files', 'POSCAR')
    out['pymatgen_POSCAR'] = {'file': 'vasp/pymatgen/test_files/POSCAR', **analyse(Structure.from_file(path))}
    # The Berg 1998 LiMn2O4 CIF (origin choice 2, x(O) = 0.2628). pymatgen's CifParser expands it
    # with origin-1 operators (wrong structure, see the fixtures' PROVENANCE.md), so the reference
    # structure is built from the CIF's numbers with the origin-2 setting.
    cif = 'cif/LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif'
    berg = Structure.from_spacegroup('Fd-3m:2', Lattice.cubic(8.251), ['Li', 'Mn', 'O'],
                                     [[0.125] * 3, [0.5] * 3, [0.2628] * 3])
    out['LiMn2O4_cif'] = {'file': cif, **analyse(berg)}
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()


main()
