#!/usr/bin/python3
"""
Reference VASP inputs from pymatgen (python3-pymatgen 2022.11.7) for test/unit/incar.test.ts,
test/unit/kpoints.test.ts and test/unit/neb-deck.test.ts.

For each structure (built here with pymatgen's space-group tables) this writes the sorted
structure pymatgen uses, and
  - MPRelaxSet:  INCAR dict, KPOINTS mesh + style, POTCAR symbols
  - MPStaticSet: INCAR dict, KPOINTS mesh + style
  - Kpoints.automatic_density(structure, kppa) for a few kppa
  - MITNEBSet (3 copies of the structure): its LDAU* tags (none: pymatgen drops +U in NEB sets)
to pymatgen-sets.json next to this script.

Run:  /usr/bin/python3 test/data/neb/make_pymatgen_reference.py
"""
import json
import os
import warnings

import numpy as np
from pymatgen.core import Lattice, Structure
from pymatgen.io.vasp.inputs import Kpoints
from pymatgen.io.vasp.sets import MITNEBSet, MPRelaxSet, MPStaticSet

warnings.simplefilter('ignore')
HERE = os.path.dirname(os.path.abspath(__file__))
KPPA = [100, 500, 1000, 3000]


def limn2o4():
    # pymatgen's Fd-3m is origin choice 1: build with origin-1 coordinates, shift by -1/8
    a, x = 8.251, 0.2628
    s = Structure.from_spacegroup('Fd-3m', Lattice.cubic(a), ['Li', 'Mn', 'O'], [[0, 0, 0], [0.625] * 3, [x + 0.125] * 3])
    s.translate_sites(list(range(len(s))), [-0.125] * 3, frac_coords=True, to_unit_cell=True)
    return s


def p31m_host():
    return Structure.from_spacegroup(
        'P31m', Lattice.hexagonal(8.7, 5.0), ['K', 'V', 'V', 'O', 'O', 'O'],
        [[0.784, 0, 0.5], [0.321, 0, 0.925], [1 / 3, 2 / 3, 0.598], [0.65, 0, 0.993], [0.76, 0.573, 0.428],
         [1 / 3, 2 / 3, 0.999]])


def structures():
    out = {}
    out['limn2o4'] = limn2o4()
    out['p31m-host'] = p31m_host()
    # LiCoO2, R-3m hexagonal setting, with oxidation states (MAGMOM by species: Co3+ -> 0.6)
    lco = Structure.from_spacegroup('R-3m', Lattice.hexagonal(2.816, 14.05), ['Li', 'Co', 'O'],
                                    [[0, 0, 0.5], [0, 0, 0], [0, 0, 0.2396]])
    lco.add_oxidation_state_by_element({'Li': 1, 'Co': 3, 'O': -2})
    out['licoo2-ox'] = lco
    # FeF2 rutile: a fluoride (+U by the F table)
    out['fef2'] = Structure.from_spacegroup('P4_2/mnm', Lattice.tetragonal(4.697, 3.309), ['Fe', 'F'],
                                            [[0, 0, 0], [0.300, 0.300, 0]])
    # FeS2 pyrite: d element, no +U (S is the anion)
    out['fes2'] = Structure.from_spacegroup('Pa-3', Lattice.cubic(5.418), ['Fe', 'S'], [[0, 0, 0], [0.385] * 3])
    # CeO2 fluorite: f element (LMAXMIX 6), no U for Ce in the MP table
    out['ceo2'] = Structure.from_spacegroup('Fm-3m', Lattice.cubic(5.411), ['Ce', 'O'], [[0, 0, 0], [0.25] * 3])
    # a big cell: the tetrahedron method gets < 4 k-points -> ISMEAR 0
    big = limn2o4()
    big.make_supercell([2, 2, 2])
    out['limn2o4-2x2x2'] = big
    return out


def plain(v):
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, (np.floating,)):
        return float(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    return v


def kp(k):
    return dict(mesh=[int(x) for x in k.kpts[0]], style=k.style.name, shift=[float(x) for x in k.kpts_shift])


def main():
    cases = []
    for name, s in structures().items():
        relax = MPRelaxSet(s)
        ss = relax.structure  # sorted as pymatgen writes it
        static = MPStaticSet(s)
        neb = MITNEBSet([s, s.copy(), s.copy()])
        sites = []
        for site in ss:
            sp = site.specie
            ox = getattr(sp, 'oxi_state', None)
            sites.append(dict(element=sp.symbol, frac=[float(x) for x in site.frac_coords],
                              **({'oxidationState': ox} if ox else {})))
        cases.append(dict(
            name=name,
            lattice=ss.lattice.matrix.tolist(),
            sites=sites,
            poscar_species=relax.poscar.site_symbols,
            is_hexagonal=bool(ss.lattice.is_hexagonal()),
            mprelax=dict(incar={k: plain(v) for k, v in relax.incar.items()}, kpoints=kp(relax.kpoints),
                         potcar_symbols=relax.potcar_symbols),
            mpstatic=dict(incar={k: plain(v) for k, v in static.incar.items()}, kpoints=kp(static.kpoints)),
            automatic_density={str(k): kp(Kpoints.automatic_density(ss, k)) for k in KPPA},
            mitneb_ldau_tags=sorted(k for k in neb.incar if k.startswith('LDAU')),
        ))
    import pymatgen.core
    out = dict(generator='test/data/neb/make_pymatgen_reference.py',
               pymatgen_version=getattr(pymatgen.core, '__version__', '2022.11.7'), cases=cases)
    with open(os.path.join(HERE, 'pymatgen-sets.json'), 'w') as fh:
        json.dump(out, fh, indent=1)
        fh.write('\n')


if __name__ == '__main__':
    main()
