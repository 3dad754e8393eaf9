#!/usr/bin/python3
"""
MPRelaxSet / MPStaticSet inputs (pymatgen 2022.11.7) for ordered fixture CIFs, for
test/unit/incar.test.ts. The fixtures are read from $IONPATH_FIXTURES (default
../shared/fixtures next to the repository) and never copied; each entry records the
fixture's sha256 so the test knows it reads the same file.

LiMn2O4_Berg1998 is left out: pymatgen 2022.11 expands it with origin-1 operators and
builds Li16Mn8O32 (see the fixtures' PROVENANCE.md); the same structure is covered by
make_pymatgen_reference.py, built in origin choice 2.

Run:  /usr/bin/python3 test/data/neb/make_pymatgen_fixture_reference.py
"""
import hashlib
import json
import os
import warnings

from pymatgen.io.cif import CifParser
from pymatgen.io.vasp.sets import MPRelaxSet, MPStaticSet

warnings.simplefilter('ignore')
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get('IONPATH_FIXTURES', os.path.join(HERE, '..', '..', '..', '..', 'shared', 'fixtures'))
FILES = [
    'cif/Li2MnO3_Lee2012_ICSD187500_C2m_transcribed.cif',
    'cif/LiNiO2_Hirano1995_ICSD78687_R-3m-H_transcribed.cif',
    'cif/LiTi2O4_AMCSD0014220_Fd3m_origin1.cif',
    'cif/CuSe_COD9011303_P-421m_DFT-model_omdb-findsym.cif',
    'cif/Li2Pt3B_COD1511225_P4332_omdb-findsym.cif',
]


def plain(v):
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if hasattr(v, 'item'):
        return v.item()
    return v


def main():
    out = []
    for rel in FILES:
        path = os.path.join(ROOT, rel)
        with open(path, 'rb') as fh:
            digest = hashlib.sha256(fh.read()).hexdigest()
        s = CifParser(path).get_structures(primitive=False)[0]
        relax = MPRelaxSet(s)
        static = MPStaticSet(s)
        ss = relax.structure
        out.append(dict(
            fixture=rel,
            sha256=digest,
            nsites=len(ss),
            formula=ss.composition.formula,
            poscar_species=relax.poscar.site_symbols,
            mprelax=dict(incar={k: plain(v) for k, v in relax.incar.items()},
                         kpoints=dict(mesh=list(relax.kpoints.kpts[0]), style=relax.kpoints.style.name),
                         potcar_symbols=relax.potcar_symbols),
            mpstatic=dict(kpoints=dict(mesh=list(static.kpoints.kpts[0]), style=static.kpoints.style.name)),
        ))
    with open(os.path.join(HERE, 'pymatgen-fixtures.json'), 'w') as fh:
        json.dump(dict(generator='test/data/neb/make_pymatgen_fixture_reference.py', pymatgen_version='2022.11.7', cases=out), fh, indent=1)
        fh.write('\n')


if __name__ == '__main__':
    main()
