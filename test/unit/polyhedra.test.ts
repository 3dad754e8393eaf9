import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Lattice } from '../../src/core/lattice.js';
import { Structure } from '../../src/core/structure.js';
import { readCif } from '../../src/io/cif/index.js';
import { readPoscar } from '../../src/io/poscar.js';
import { bondLengthForValence, bondValence, bondValenceR0, bondValenceSum } from '../../src/analysis/bond-valence.js';
import { coordination, largestGapCut, parseCutoffs } from '../../src/analysis/coordination.js';
import {
  classifyShape,
  effectiveCoordinationNumber,
  idealShapeNames,
  idealShapeVectors,
  polyhedra,
  polyhedronMetrics,
  polyhedronType,
  stat,
  type Polyhedron,
} from '../../src/analysis/polyhedra.js';
import { comparePolyhedra, resolveMatchMode } from '../../src/analysis/polyhedra-compare.js';
import { det3, type Mat3 } from '../../src/core/vec3.js';
import { isInputError } from '../../src/core/errors.js';
import { formatPolyhedra, polyhedraCsv, polyhedraDocument } from '../../src/cli/polyhedra.js';
import { describeWithFixtures, fixture, projectRoot } from '../helpers/fixtures.js';

const DEG = Math.PI / 180;
const T0 = Math.acos(-1 / 3) / DEG;

interface RefPoly {
  element: string;
  frac: number[];
  cn: number;
  volume: number;
  meanBondLength: number;
  distortionIndex: number;
  quadraticElongation: number | null;
  bondAngleVariance: number | null;
  effectiveCoordination: number;
  bvsPymatgen: number | null;
  distances: number[];
}
const REF = JSON.parse(readFileSync(join(projectRoot, 'test/data/polyhedra/polyhedra-reference.json'), 'utf8')) as {
  structures: Record<string, { nsites: number; lattice: Record<string, number>; polyhedra: RefPoly[] }>;
};

/** The fixture LiMn2O4 (Berg 1998: a = 8.251 Å, O 32e x = 0.2628, origin choice 2), built from its numbers in code. */
export function spinelLiMn2O4(a = 8.251, x = 0.2628): Structure {
  // Fd-3m origin 2: 8a (1/8,1/8,1/8) ×2 by inversion about 0; 16d; 32e — generated from the F-centring and the point operations
  const F = [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]];
  const li = [[0.125, 0.125, 0.125], [0.875, 0.375, 0.375]];
  const mn = [[0.5, 0.5, 0.5], [0.25, 0.75, 0], [0.75, 0, 0.25], [0, 0.25, 0.75]];
  const o = [
    [x, x, x], [-x + 0.25, -x + 0.75, x + 0.5], [-x + 0.75, x + 0.5, -x + 0.25], [x + 0.5, -x + 0.25, -x + 0.75],
    [-x, -x, -x], [x + 0.75, x + 0.25, -x + 0.5], [x + 0.25, -x + 0.5, x + 0.75], [-x + 0.5, x + 0.75, x + 0.25],
  ];
  const sites: { frac: [number, number, number]; species: string }[] = [];
  const put = (list: number[][], el: string) => {
    for (const p of list) for (const t of F) sites.push({ frac: [0, 1, 2].map((k) => (((p[k] + t[k]) % 1) + 1) % 1) as [number, number, number], species: el });
  };
  put(li, 'Li');
  put(mn, 'Mn');
  put(o, 'O');
  return new Structure(Lattice.cubic(a), sites, 'LiMn2O4');
}

/** The fixture LiNiO2 (Hirano 1995: a = 2.86, c = 14.199 Å, O 6c z = 0.2417), R-3m hexagonal setting, built in code. */
function layeredLiNiO2(): Structure {
  const R = [[0, 0, 0], [2 / 3, 1 / 3, 1 / 3], [1 / 3, 2 / 3, 2 / 3]];
  const z = 0.2417;
  const sites: { frac: [number, number, number]; species: string }[] = [];
  for (const t of R) {
    const w = (v: number[]) => v.map((x, k) => (((x + t[k]) % 1) + 1) % 1) as [number, number, number];
    sites.push({ frac: w([0, 0, 0]), species: 'Li' });
    sites.push({ frac: w([0, 0, 0.5]), species: 'Ni' });
    sites.push({ frac: w([0, 0, z]), species: 'O' });
    sites.push({ frac: w([0, 0, -z]), species: 'O' });
  }
  return new Structure(Lattice.fromParameters({ a: 2.86, b: 2.86, c: 14.199, alpha: 90, beta: 90, gamma: 120 }), sites, 'LiNiO2');
}

function cnOf(s: Structure, el: string): number[] {
  return [...new Set(polyhedra(s, { centers: [el] }).polyhedra.map((p) => p.cn))];
}

describe('distortion metrics on analytic polyhedra (VESTA definitions)', () => {
  it('regular octahedron: ⟨λ⟩ = 1, σ² = 0, D = 0, ECoN = 6, V = 4/3 l³', () => {
    const l = 2;
    const m = polyhedronMetrics([[l, 0, 0], [-l, 0, 0], [0, l, 0], [0, -l, 0], [0, 0, l], [0, 0, -l]]);
    expect(m.volume).toBeCloseTo((4 / 3) * l ** 3, 13);
    expect(m.quadraticElongation).toBeCloseTo(1, 14);
    expect(m.bondAngleVariance).toBeCloseTo(0, 20);
    expect(m.distortionIndex).toBe(0);
    expect(m.effectiveCoordination).toBeCloseTo(6, 14);
    expect(m.shape).toBe('octahedron');
    expect(m.shapeDeviation).toBeCloseTo(0, 10);
  });

  it('tetragonally stretched octahedron (axial 2.2 Å, equatorial 2.0 Å)', () => {
    const e = 2.0;
    const a = 2.2;
    const m = polyhedronMetrics([[e, 0, 0], [-e, 0, 0], [0, e, 0], [0, -e, 0], [0, 0, a], [0, 0, -a]]);
    const V = (4 / 3) * e * e * a;
    const l0 = Math.cbrt((3 * V) / 4);
    const lav = (4 * e + 2 * a) / 6;
    expect(m.volume).toBeCloseTo(V, 13);
    expect(m.quadraticElongation).toBeCloseTo((4 * e * e + 2 * a * a) / (6 * l0 * l0), 14);
    expect(m.quadraticElongation! - 1).toBeGreaterThan(0.004); // 1.00409…
    expect(m.bondAngleVariance).toBeCloseTo(0, 20);
    expect(m.distortionIndex).toBeCloseTo((4 * Math.abs(e - lav) + 2 * Math.abs(a - lav)) / 6 / lav, 15);
    expect(m.meanBondLength).toBeCloseTo(lav, 15);
  });

  it('angle-distorted octahedron (equatorial ligands sheared by δ = 10°): σ² = 4δ²/11, ⟨λ⟩ = cos δ^(−2/3)', () => {
    const d = 10;
    const l = 1.9;
    const eq = [0, 90 + d, 180, 270 + d].map((t) => [l * Math.cos(t * DEG), l * Math.sin(t * DEG), 0]);
    const m = polyhedronMetrics([...eq, [0, 0, l], [0, 0, -l]]);
    expect(m.bondAngleVariance).toBeCloseTo((4 * d * d) / 11, 10);
    expect(m.volume).toBeCloseTo((4 / 3) * l ** 3 * Math.cos(d * DEG), 12);
    expect(m.quadraticElongation).toBeCloseTo(Math.cos(d * DEG) ** (-2 / 3), 13);
    expect(m.distortionIndex).toBeCloseTo(0, 15);
  });

  it('regular and D2d-flattened tetrahedra', () => {
    const l = 1.75;
    const reg = polyhedronMetrics([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]].map((v) => v.map((x) => (x * l) / Math.sqrt(3))));
    expect(reg.volume).toBeCloseTo((8 / (9 * Math.sqrt(3))) * l ** 3, 13);
    expect(reg.quadraticElongation).toBeCloseTo(1, 14);
    expect(reg.bondAngleVariance).toBeCloseTo(0, 20);
    expect(reg.shape).toBe('tetrahedron');

    const al = 60; // half-angle between the two upper bonds (regular: 54.7356°)
    const s = Math.sin(al * DEG);
    const c = Math.cos(al * DEG);
    const m = polyhedronMetrics([[s, 0, c], [-s, 0, c], [0, s, -c], [0, -s, -c]]);
    const t1 = 2 * al;
    const t2 = Math.acos(-c * c) / DEG;
    const V = (4 / 3) * s * s * c;
    const l0 = Math.cbrt((V * 9 * Math.sqrt(3)) / 8);
    expect(m.volume).toBeCloseTo(V, 14);
    expect(m.bondAngleVariance).toBeCloseTo((2 * (t1 - T0) ** 2 + 4 * (t2 - T0) ** 2) / 5, 10);
    expect(m.quadraticElongation).toBeCloseTo(1 / (l0 * l0), 13);
    expect(m.shape).toBe('tetrahedron');
  });

  it('flat or undefined cases: square planar CN 4 has V = 0 and no ⟨λ⟩/σ²; CN 5 has no ⟨λ⟩/σ²', () => {
    const sq = polyhedronMetrics([[2, 0, 0], [-2, 0, 0], [0, 2, 0], [0, -2, 0]]);
    expect(sq.volume).toBe(0);
    expect(sq.quadraticElongation).toBeNull();
    expect(sq.bondAngleVariance).toBeNull();
    expect(sq.shape).toBe('square planar');
    const spy = polyhedronMetrics([[0, 0, 1.6], ...[0, 90, 180, 270].map((t) => [1.95 * Math.cos(t * DEG) * Math.sin(104 * DEG), 1.95 * Math.sin(t * DEG) * Math.sin(104 * DEG), 1.95 * Math.cos(104 * DEG)])]);
    expect(spy.quadraticElongation).toBeNull();
    expect(spy.shape).toBe('square pyramid');
    expect(spy.volume).toBeGreaterThan(0);
  });

  it('ECoN: n for equal bonds, fewer when bonds spread; the weighted mean is a fixed point', () => {
    expect(effectiveCoordinationNumber([2.1, 2.1, 2.1, 2.1])).toBeCloseTo(4, 14);
    const ls = [1.6, 1.95, 1.95, 1.95, 1.95];
    const e = effectiveCoordinationNumber(ls);
    expect(e).toBeGreaterThan(3);
    expect(e).toBeLessThan(5);
    expect(effectiveCoordinationNumber([])).toBe(0);
  });
});

describe('shapes', () => {
  it('every ideal shape is recognised as itself, also after rotation, scaling and 2° noise', () => {
    let seed = 42;
    const r = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const cn of [2, 3, 4, 5, 6, 7, 8, 9, 10, 12]) {
      for (const name of idealShapeNames(cn)) {
        const v = idealShapeVectors(name)!;
        expect(classifyShape(v)).toEqual({ shape: name, deviation: expect.closeTo(0, 8) });
        // rotate about a random axis, scale each bond, jitter directions
        const ax = [r() - 0.5, r() - 0.5, r() - 0.5];
        const n = Math.hypot(...ax);
        const [x, y, z] = ax.map((q) => q / n);
        const th = r() * Math.PI;
        const C = Math.cos(th), S = Math.sin(th), U = 1 - C;
        const Rm = [
          [C + x * x * U, x * y * U - z * S, x * z * U + y * S],
          [y * x * U + z * S, C + y * y * U, y * z * U - x * S],
          [z * x * U - y * S, z * y * U + x * S, C + z * z * U],
        ];
        const w = v.map((p) => {
          const q = Rm.map((row) => row[0] * p[0] + row[1] * p[1] + row[2] * p[2]);
          const jit = q.map((c) => c + (r() - 0.5) * 0.03);
          const sc = (1.8 + r() * 0.4) / Math.hypot(...jit);
          return jit.map((c) => c * sc);
        });
        expect(classifyShape(w)?.shape).toBe(name);
      }
    }
    expect(classifyShape([[1, 0, 0], [0, 1, 0], [0, 0, 1], [-1, 0, 0], [0, -1, 0], [0, 0, -1], [1, 1, 1], [1, -1, 1], [-1, 1, 1], [1, 1, -1], [0.3, 0.2, 0.1]])).toBeNull();
  });

  it('a real vanadyl square pyramid (V–O 1.60 + 4 × 1.97 Å, O–V–O 104°) is a square pyramid, not a trigonal bipyramid', () => {
    const base = [0, 90, 180, 270].map((t) => [1.97 * Math.cos(t * DEG) * Math.sin(104 * DEG), 1.97 * Math.sin(t * DEG) * Math.sin(104 * DEG), 1.97 * Math.cos(104 * DEG)]);
    expect(classifyShape([[0, 0, 1.6], ...base])?.shape).toBe('square pyramid');
  });

  it('type names', () => {
    expect(polyhedronType('V', ['O', 'O', 'O', 'O'])).toBe('VO4');
    expect(polyhedronType('K', Array(10).fill('O'))).toBe('KO10');
    expect(polyhedronType('Ti', ['O', 'F', 'O', 'O', 'O', 'F'])).toBe('TiO4F2');
    expect(stat([1, 2, 3])).toEqual({ mean: 2, std: 1, min: 1, max: 3 });
  });
});

describe('bond valence (Brese & O\'Keeffe 1991 r, c parameters)', () => {
  it('R0 from the r, c formula; s = exp((R0 − d)/0.37)', () => {
    // Li: r = 1.0, c = 0.97; O: r = 0.63, c = 3.15 (bvparam_1991.yaml)
    const r0 = 1.0 + 0.63 - (1.0 * 0.63 * (Math.sqrt(0.97) - Math.sqrt(3.15)) ** 2) / (0.97 * 1.0 + 3.15 * 0.63);
    expect(bondValenceR0('Li', 'O')).toBeCloseTo(r0, 15);
    expect(bondValence('Li', 1, 'O', 2.1)).toBeCloseTo(Math.exp((r0 - 2.1) / 0.37), 15);
    expect(bondValence('Li', 1, 'O', r0)).toBeCloseTo(1, 15);
    expect(bondLengthForValence('Li', 'O', 1)).toBeCloseTo(r0, 15);
    expect(bondValenceSum('Li', 1, Array(6).fill({ element: 'O', distance: 2.1 }))).toBeCloseTo(6 * Math.exp((r0 - 2.1) / 0.37), 14);
    expect(bondValenceR0('Pt', 'B')).toBeNull();
    expect(bondValence('Pt', 0, 'B', 2)).toBeNaN();
  });
});

describe('coordination rule', () => {
  it('spinel LiMn2O4 built from the fixture numbers: Mn 6, Li 4', () => {
    const s = spinelLiMn2O4();
    expect(s.reducedFormula).toBe('LiMn2O4');
    expect(cnOf(s, 'Mn')).toEqual([6]);
    expect(cnOf(s, 'Li')).toEqual([4]);
  });

  it('layered LiNiO2 built from the fixture numbers: Ni 6, Li 6', () => {
    const s = layeredLiNiO2();
    expect(cnOf(s, 'Ni')).toEqual([6]);
    expect(cnOf(s, 'Li')).toEqual([6]);
  });

  it('per-pair cutoffs override the rule; parseCutoffs reads the CLI form', () => {
    const s = spinelLiMn2O4();
    expect(parseCutoffs('V-O=2.3, K-O=3.2')).toEqual({ 'V-O': 2.3, 'K-O': 3.2 });
    expect(() => parseCutoffs('V-O:2.3')).toThrow(/PAIR=Å/);
    // Li–O 1.969 Å: a 1.9 Å cutoff leaves Li bare, a 3.5 Å cutoff adds the next O shell
    const bare = coordination(s, { centers: ['Li'], cutoffs: { 'O-Li': 1.9 } });
    expect(bare.environments.every((e) => e.ligands.length === 0 && e.method === 'cutoff')).toBe(true);
    const wide = coordination(s, { centers: ['Li'], cutoffs: { 'Li-O': 3.5 } });
    expect(wide.environments[0].ligands.length).toBe(16);
    expect(wide.environments[0].ligands[0].distance).toBeCloseTo(1.9693, 4);
  });

  it('largestGapCut picks the widest relative gap in the allowed range', () => {
    expect(largestGapCut([1.6, 1.9, 1.95, 2.0, 2.01, 2.8, 2.9], 1, 6, 3.5)).toBe(5);
    expect(largestGapCut([1.6, 1.9, 1.95, 2.0, 2.01, 2.8, 2.9], 1, 4, 3.5)).toBe(1);
    expect(largestGapCut([2.7, 2.8, 2.9, 3.0], 2, 4, 3.2)).toBe(4);
  });

  it('a centre whose bond lengths form a continuum keeps its close shell (K⁺-like, bonds 2.7–3.1 Å, next at 3.6 Å)', () => {
    // K at the origin of a big cubic cell with O on a distorted shell
    const dirs = idealShapeVectors('bicapped square antiprism')!;
    const lens = [2.7, 2.75, 2.8, 2.85, 2.9, 2.95, 3.0, 3.05, 3.1, 3.1];
    const far = idealShapeVectors('octahedron')!.map((v) => v.map((x) => x * 3.6));
    const a = 20;
    const sites = [
      { frac: [0.5, 0.5, 0.5] as [number, number, number], species: 'K' },
      ...dirs.map((v, i) => ({ frac: v.map((x) => 0.5 + (x * lens[i]) / a) as [number, number, number], species: 'O' })),
      ...far.map((v) => ({ frac: v.map((x) => 0.5 + (x * 1.0) / a) as [number, number, number], species: 'O' })),
    ];
    // charge balance is meaningless here: give the states
    const s = new Structure(Lattice.cubic(a), sites);
    const p = polyhedra(s, { centers: ['K'], oxidationStates: { K: 1, O: -2 } });
    expect(p.polyhedra[0].cn).toBe(10);
    expect(p.polyhedra[0].type).toBe('KO10');
  });
});

describeWithFixtures('polyhedra of the fixture structures vs pymatgen + scipy', ['cif/LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif'], () => {
  const cases: [string, (p: string) => Structure][] = [
    ['cif/LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif', (p) => readCif(p).blocks[0].structure],
    ['cif/LiNiO2_Hirano1995_ICSD78687_R-3m-H_transcribed.cif', (p) => readCif(p).blocks[0].structure],
    ['cif/Li2MnO3_Lee2012_ICSD187500_C2m_transcribed.cif', (p) => readCif(p).blocks[0].structure],
    ['cif/LiCo1-3Ni1-3Mn1-3O2_NCM111_Yin2006_ICSD171750_R-3m-H_transcribed.cif', (p) => readCif(p).blocks[0].structure],
    ['cif/LiTi2O4_AMCSD0014220_Fd3m_origin1.cif', (p) => readCif(p).blocks[0].structure],
    ['vasp/atomate2/tests/test_data/vasp/MgMn2O4_magnetic/relax_2_3_(afm)/outputs/POSCAR.gz', (p) => readPoscar(p).structure],
    ['vasp/atomate2/tests/test_data/vasp/MgMn2O4_magnetic/relax_2_3_(afm)/outputs/CONTCAR.gz', (p) => readPoscar(p).structure],
  ];

  function match(polys: Polyhedron[], s: Structure, r: RefPoly): Polyhedron {
    const hits = polys.filter((p) => p.element === r.element && s.lattice.minimumImageDistance(s.sites[p.center].frac, r.frac as [number, number, number]) < 1e-4);
    expect(hits).toHaveLength(1);
    return hits[0];
  }

  for (const [rel, read] of cases) {
    it(`${rel.split('/').pop()}: CN, volume (scipy, 1e-8 rel), D, ⟨λ⟩, σ², ECoN, BVS (pymatgen, b = 0.31)`, () => {
      const ref = REF.structures[rel];
      const s = read(fixture(rel));
      expect(s.nsites).toBe(ref.nsites);
      const res = polyhedra(s);
      expect(res.warnings).toEqual([]);
      let checked = 0;
      for (const r of ref.polyhedra) {
        const p = match(res.polyhedra, s, r);
        expect(p.cn).toBe(r.cn);
        p.ligands.forEach((l, k) => expect(l.distance).toBeCloseTo(r.distances[k], 9));
        expect(Math.abs(p.volume - r.volume) / r.volume).toBeLessThan(1e-8);
        expect(p.meanBondLength).toBeCloseTo(r.meanBondLength, 10);
        expect(p.distortionIndex).toBeCloseTo(r.distortionIndex, 10);
        expect(p.effectiveCoordination).toBeCloseTo(r.effectiveCoordination, 9);
        if (r.quadraticElongation === null) expect(p.quadraticElongation).toBeNull();
        else expect(p.quadraticElongation!).toBeCloseTo(r.quadraticElongation, 10);
        if (r.bondAngleVariance === null) expect(p.bondAngleVariance).toBeNull();
        else expect(p.bondAngleVariance!).toBeCloseTo(r.bondAngleVariance, 7);
        if (r.bvsPymatgen !== null) {
          const bvs031 = bondValenceSum(p.element, p.oxidationState, p.ligands, { b: 0.31 });
          expect(bvs031).toBeCloseTo(r.bvsPymatgen, 10);
        }
        checked++;
      }
      expect(checked).toBe(ref.polyhedra.length);
      expect(checked).toBeGreaterThan(0);
    });
  }

  it('the fixture spinel and LiNiO2 read from CIF: Mn 6 / Li 4 and Ni 6 / Li 6', () => {
    const sp = readCif(fixture('cif/LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif')).blocks[0].structure;
    expect(cnOf(sp, 'Mn')).toEqual([6]);
    expect(cnOf(sp, 'Li')).toEqual([4]);
    const ln = readCif(fixture('cif/LiNiO2_Hirano1995_ICSD78687_R-3m-H_transcribed.cif')).blocks[0].structure;
    expect(cnOf(ln, 'Ni')).toEqual([6]);
    expect(cnOf(ln, 'Li')).toEqual([6]);
    // the in-code builds agree with the CIF reader
    const byType = (s: Structure) => polyhedra(s).types.map((t) => [t.type, t.count, Number(t.volume.mean.toFixed(10))]).sort();
    expect(byType(spinelLiMn2O4())).toEqual(byType(sp));
    expect(byType(layeredLiNiO2())).toEqual(byType(ln));
  });

  it('the vanadyl of (NH4)2(VO)(VPO7) is a square pyramid VO5 and P a tetrahedron', () => {
    const s = readCif(fixture('cif/NH4-2_VO_VPO7_COD1001731_P4bm_fresnoite-type_transcribed.cif')).blocks[0].structure;
    const t = polyhedra(s, { centers: ['V', 'P'] }).types;
    expect(t.find((x) => x.type === 'VO5')?.shape).toBe('square pyramid');
    expect(t.find((x) => x.type === 'PO4')?.shape).toBe('tetrahedron');
  });
});

describe('comparing polyhedra between two structures', () => {
  /** Li2Mn2O4-like lithiated spinel: 16c Li added, cell strained by F (fractional coordinates kept). */
  function strained(base: Structure, F: Mat3, addLi16c: boolean, removeLi8a: boolean): Structure {
    let s = base.withLattice(new Lattice(matmul(F, base.lattice.matrix)));
    if (removeLi8a) s = s.removeSites(s.sites.map((x, i) => (x.species[0].element === 'Li' ? i : -1)).filter((i) => i >= 0));
    if (addLi16c) {
      const F0 = [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]];
      const c16 = [[0, 0, 0], [0.75, 0.25, 0.5], [0.25, 0.5, 0.75], [0.5, 0.75, 0.25]];
      const extra = c16.flatMap((p) => F0.map((t) => ({ frac: [0, 1, 2].map((k) => (p[k] + t[k]) % 1) as [number, number, number], species: 'Li', label: 'Li16c' })));
      s = s.addSites(extra);
    }
    return s;
  }
  function matmul(a: Mat3, b: Mat3): Mat3 {
    return [0, 1, 2].map((i) => [0, 1, 2].map((j) => a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j])) as unknown as Mat3;
  }

  it('Li inserted into spinel 16c (extra Li), cell strained: every matched polyhedron changes volume by det F − 1 exactly', () => {
    const A = spinelLiMn2O4();
    const F: Mat3 = [[1.012, 0, 0], [0, 1.012, 0], [0, 0, 0.985]];
    const B = strained(A, F, true, false);
    expect(B.nsites).toBe(A.nsites + 16);
    const cmp = comparePolyhedra(A, B);
    expect(cmp.match).toBe('index'); // A's sites are a prefix of B's
    const dv = (det3(F) - 1) * 100;
    expect(cmp.lattice.volume.changePercent).toBeCloseTo(dv, 10);
    expect(cmp.lattice.a.changePercent).toBeCloseTo(1.2, 10);
    expect(cmp.lattice.c.changePercent).toBeCloseTo(-1.5, 10);
    expect(cmp.pairs).toHaveLength(24); // 8 Li + 16 Mn
    for (const p of cmp.pairs) {
      expect(p.cnAfter).toBe(p.cnBefore); // Li is a cation: the 16c Li are no ligands
      expect(p.volume.changePercent!).toBeCloseTo(dv, 9);
    }
    const mn = cmp.types.find((t) => t.type === 'MnO6')!;
    expect(mn.count).toBe(16);
    expect(mn.volume.changePercent!).toBeCloseTo(dv, 9);
    // regular before (D ≈ 1e-16): no meaningful percentage, but an absolute change
    expect(cmp.pairs[0].distortionIndex.changePercent).toBeNull();
    expect(cmp.pairs.find((p) => p.element === 'Mn')!.distortionIndex.after).toBeGreaterThan(1e-3);
    expect(cmp.unmatchedBefore).toEqual([]);
    // the inserted 16c Li are new centres (Li–Li 1.8 Å apart here, but Li is no ligand)
    expect(cmp.unmatchedAfter.map((i) => B.sites[i].label)).toEqual(Array(16).fill('Li16c'));
  });

  it('Li moved 8a → 16c (lithiated Li2Mn2O4 framework), isotropic 1 % expansion, matched by position', () => {
    const A = spinelLiMn2O4();
    const s = 1.01;
    const B = strained(A, [[s, 0, 0], [0, s, 0], [0, 0, s]], true, true);
    const cmp = comparePolyhedra(A, B);
    expect(cmp.match).toBe('position');
    const mnPairs = cmp.pairs.filter((p) => p.element === 'Mn');
    expect(mnPairs).toHaveLength(16);
    for (const p of mnPairs) {
      expect(p.volume.changePercent!).toBeCloseTo((s ** 3 - 1) * 100, 9);
      expect(p.meanBondLength.changePercent!).toBeCloseTo((s - 1) * 100, 10);
      expect(p.matchDistance).toBeLessThan(1e-12);
      expect(p.cnAfter).toBe(6);
    }
    // Li at 8a has no partner (16c is 1.8 Å away); the 16c Li are new octahedral centres
    expect(cmp.unmatchedBefore.map((i) => A.sites[i].species[0].element)).toEqual(Array(8).fill('Li'));
    expect(cmp.unmatchedAfter.map((i) => B.sites[i].label)).toEqual(Array(16).fill('Li16c'));
    expect(cmp.after.types.find((t) => t.type === 'LiO6')?.count).toBe(16);
    expect(cmp.lattice.volume.changePercent).toBeCloseTo((s ** 3 - 1) * 100, 10);
  });

  it('match modes: label matching refuses duplicate labels; auto picks index only for a prefix', () => {
    const A = spinelLiMn2O4();
    expect(resolveMatchMode(A, A)).toBe('index');
    expect(resolveMatchMode(A, A.removeSites([0]))).toBe('position');
    expect(comparePolyhedra(A, A, { match: 'label' }).pairs).toHaveLength(24);
    const dup = A.withSites(A.sites.map((x) => ({ ...x, label: x.species[0].element })));
    expect(() => comparePolyhedra(dup, dup, { match: 'label' })).toThrow(/not unique/);
  });
});

describeWithFixtures('compare: a real relaxation (MgMn2O4, POSCAR vs CONTCAR, ISIF = 3)', ['vasp/atomate2/tests/test_data/vasp/MgMn2O4_magnetic/relax_2_3_(afm)/outputs/CONTCAR.gz'], () => {
  const dir = 'vasp/atomate2/tests/test_data/vasp/MgMn2O4_magnetic/relax_2_3_(afm)/outputs/';
  it('per polyhedron and lattice % changes equal those from the pymatgen/scipy reference', () => {
    const A = readPoscar(fixture(dir + 'POSCAR.gz')).structure;
    const B = readPoscar(fixture(dir + 'CONTCAR.gz')).structure;
    const cmp = comparePolyhedra(A, B);
    expect(cmp.match).toBe('index');
    const ra = REF.structures[dir + 'POSCAR.gz'];
    const rb = REF.structures[dir + 'CONTCAR.gz'];
    expect(cmp.pairs).toHaveLength(ra.polyhedra.length);
    const pctV: number[] = [];
    for (const p of cmp.pairs) {
      const k = ra.polyhedra.findIndex((r) => A.lattice.minimumImageDistance(A.sites[p.center].frac, r.frac as [number, number, number]) < 1e-6);
      const va = ra.polyhedra[k].volume;
      const vb = rb.polyhedra[k].volume; // same site order in the reference
      expect(p.volume.changePercent!).toBeCloseTo(((vb - va) / va) * 100, 6);
      expect(p.meanBondLength.changePercent!).toBeCloseTo(((rb.polyhedra[k].meanBondLength - ra.polyhedra[k].meanBondLength) / ra.polyhedra[k].meanBondLength) * 100, 8);
      expect(p.distortionIndex.change).toBeCloseTo(rb.polyhedra[k].distortionIndex - ra.polyhedra[k].distortionIndex, 10);
      pctV.push(p.volume.changePercent!);
    }
    for (const key of ['a', 'b', 'c', 'alpha', 'beta', 'gamma', 'volume'] as const) {
      expect(cmp.lattice[key].changePercent!).toBeCloseTo(((rb.lattice[key] - ra.lattice[key]) / ra.lattice[key]) * 100, 8);
    }
    // what the run did (means of the reference volumes): cell −0.04553 %, MnO6 +0.06053 %, MgO4 −0.19706 %
    expect(cmp.lattice.volume.changePercent!).toBeCloseTo(-0.0455272489, 8);
    expect(cmp.types.find((t) => t.type === 'MnO6')!.volume.changePercent!).toBeCloseTo(0.0605331001, 7);
    expect(cmp.types.find((t) => t.type === 'MgO4')!.volume.changePercent!).toBeCloseTo(-0.1970584859, 7);
  });
});

describeWithFixtures('ionpath polyhedra (document, CSV, text)', ['vasp/atomate2/tests/test_data/vasp/MgMn2O4_magnetic/relax_2_3_(afm)/outputs/CONTCAR.gz', 'cif/LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif'], () => {
  const dir = 'vasp/atomate2/tests/test_data/vasp/MgMn2O4_magnetic/relax_2_3_(afm)/outputs/';
  it('JSON keys of the design contract, with and without --compare', () => {
    const one = polyhedraDocument({ file: fixture('cif/LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif'), center: 'Mn' });
    expect(one.polyhedra).toHaveLength(16);
    const p = one.polyhedra[0];
    for (const k of ['center', 'label', 'ligands', 'cn', 'volume', 'distortionIndex', 'quadraticElongation', 'bondAngleVariance']) expect(p).toHaveProperty(k);
    expect(p.volume).toBeCloseTo(REF.structures['cif/LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif'].polyhedra.find((r) => r.element === 'Mn')!.volume, 10);
    expect(one.lattice.volume).toBeCloseTo(561.719837251, 6);
    expect(one.lattice.volumeChangePercent).toBeUndefined();
    expect(one.environments[0].grouped).toBe('OLiTM3');

    const two = polyhedraDocument({ file: fixture(dir + 'POSCAR.gz'), compare: fixture(dir + 'CONTCAR.gz') });
    expect(two.lattice.volumeChangePercent).toBeCloseTo(-0.0455272489, 8);
    expect(two.polyhedra.every((q) => typeof q.volumeChangePercent === 'number')).toBe(true);
    expect(two.types.find((t) => t.type === 'MgO4')!.change!.volume.changePercent).toBeCloseTo(-0.1970584859, 7);
    expect(two.compare!.match).toBe('index');
    expect(JSON.parse(JSON.stringify(two)).polyhedra).toHaveLength(6);

    const csv = polyhedraCsv(two).split('\n');
    expect(csv).toHaveLength(7);
    expect(csv[0].split(',')).toContain('volume_change_pct');
    expect(formatPolyhedra(two)).toMatch(/MgO4 +ΔV -0\.197 %/);
  });

  it('bad options are input errors', () => {
    const f = fixture('cif/LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif');
    for (const bad of [{ cutoff: 'Mn-O:2' }, { oxidation: 'Mn4' }, { center: 'Xx' }, { bvFraction: 2 }]) {
      let err: unknown;
      try {
        polyhedraDocument({ file: f, ...bad });
      } catch (e) {
        err = e;
      }
      expect(isInputError(err)).toBe(true);
    }
  });
});
