/**
 * The scene builder (bonds, polyhedra, sites, hops, NEB), the viewer's layout math and the
 * self-contained page. Expected bond and polyhedron numbers come from pymatgen + ASE + scipy
 * (test/unit/scene-reference.py → scene-expected.json).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lattice } from '../../src/core/lattice.js';
import { Structure } from '../../src/core/structure.js';
import { element } from '../../src/core/elements.js';
import { buildScene, findBonds, polyhedraFromBonds, scenePolyhedra, sceneNeb, blendColor } from '../../src/scene/build-scene.js';
import { parseRepeats, runView, sceneForInput } from '../../src/cli/view.js';
import { isInputError } from '../../src/core/errors.js';
import type { SceneDocument } from '../../src/scene/scene-document.js';
import { scriptSafeJson, selfContainedPage, writeSelfContainedPage } from '../../src/scene/html-page.js';
import { polyhedra } from '../../src/analysis/polyhedra.js';
import { readPoscar } from '../../src/io/poscar.js';
import { spinel, spinelScene, spinelSites, spinelHops, syntheticNebScene, SPINEL_A } from '../e2e/scenes.js';
import { layoutInstances, interpolateImages, bondPartners } from '../../viewer/src/scene/layout.js';
import { describeWithFixtures, fixture } from '../helpers/fixtures.js';

const expected = JSON.parse(readFileSync(new URL('./scene-expected.json', import.meta.url), 'utf8'));

/** Bond statistics per element pair ('Li-O', sorted symbols), like the reference script. */
function pairStats(doc: SceneDocument): Record<string, { count: number; min: number; max: number }> {
  const out: Record<string, { count: number; min: number; max: number }> = {};
  for (const b of doc.bonds) {
    const key = [doc.atoms[b.a].element, doc.atoms[b.b].element].sort().join('-');
    const s = (out[key] ??= { count: 0, min: Infinity, max: -Infinity });
    s.count++;
    s.min = Math.min(s.min, b.length);
    s.max = Math.max(s.max, b.length);
  }
  return out;
}

function polyStats(doc: SceneDocument): Record<string, { count: number; minVolume: number; maxVolume: number; sumVolume: number }> {
  const out: Record<string, { count: number; minVolume: number; maxVolume: number; sumVolume: number }> = {};
  for (const p of doc.polyhedra) {
    const s = (out[p.type] ??= { count: 0, minVolume: Infinity, maxVolume: -Infinity, sumVolume: 0 });
    s.count++;
    s.minVolume = Math.min(s.minVolume, p.volume);
    s.maxVolume = Math.max(s.maxVolume, p.volume);
    s.sumVolume += p.volume;
  }
  return out;
}

function expectStatsClose(got: Record<string, Record<string, number>>, want: Record<string, Record<string, number>>, tol = 1e-9): void {
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [k, w] of Object.entries(want)) {
    for (const [f, v] of Object.entries(w)) {
      if (f === 'count') expect(got[k][f], `${k}.${f}`).toBe(v);
      else expect(Math.abs(got[k][f] - v), `${k}.${f}: ${got[k][f]} vs ${v}`).toBeLessThan(tol);
    }
  }
}

describe('buildScene: LiMn2O4 spinel (vs pymatgen/ASE/scipy)', () => {
  const doc = spinelScene();
  const ref = expected.spinel;

  it('has every atom with its Jmol colour, radii and Cartesian position', () => {
    expect(doc.version).toBe(1);
    expect(doc.atoms).toHaveLength(ref.natoms);
    expect(doc.formula).toBe('LiMn2O4');
    for (const a of doc.atoms) {
      expect(a.color).toBe(element(a.element).colorHex);
      expect(a.covalentRadius).toBe(element(a.element).covalentRadius);
      for (let c = 0; c < 3; c++) expect(a.cart[c]).toBeCloseTo(a.frac[c] * SPINEL_A, 12);
    }
    expect(doc.atoms.find((a) => a.element === 'Li')!.color).toBe('#CC80FF');
    expect(doc.atoms.filter((a) => a.wyckoff === '16d')).toHaveLength(16);
    // CN from the polyhedra: 4 for Li (tetrahedral 8a), 6 for Mn (octahedral 16d)
    expect(new Set(doc.atoms.filter((a) => a.element === 'Li').map((a) => a.cn))).toEqual(new Set([4]));
    expect(new Set(doc.atoms.filter((a) => a.element === 'Mn').map((a) => a.cn))).toEqual(new Set([6]));
  });

  it('finds the bonds pymatgen finds with the same covalent-radius rule', () => {
    expect(doc.bonds).toHaveLength(ref.nbonds); // 128 = 8×4 Li–O + 16×6 Mn–O
    expectStatsClose(pairStats(doc), ref.pairs);
    for (const b of doc.bonds) expect(b.a < b.b || (b.a === b.b && b.image.some((x) => x !== 0))).toBe(true);
  });

  it('draws metal–metal bonds only when asked (Mn–Mn at a√2/4)', () => {
    const withMM = findBonds(spinel(), { metalMetal: true });
    expect(withMM).toHaveLength(expected.spinel_metal_metal.nbonds);
    expectStatsClose(pairStats({ ...doc, bonds: withMM }), expected.spinel_metal_metal.pairs);
  });

  it('builds LiO4 and MnO6 polyhedra with scipy hull volumes', () => {
    expectStatsClose(polyStats(doc), ref.polyhedra);
    for (const p of doc.polyhedra) expect(p.faces).toHaveLength(p.type === 'LiO4' ? 4 : 8);
  });

  it('takes polyhedra with metrics from the polyhedra analysis', () => {
    const s = spinel();
    const polys = scenePolyhedra(polyhedra(s));
    const d = buildScene(s, { polyhedra: polys });
    expectStatsClose(polyStats(d), ref.polyhedra);
    const mn = d.polyhedra.find((p) => p.type === 'MnO6')!;
    expect(mn.metrics?.cn).toBe(6);
    expect(mn.metrics?.meanBondLength as number).toBeCloseTo(ref.pairs['Mn-O'].min, 9);
  });

  it('places sites and the 8a–16c hops (√3/8·a)', () => {
    expect(doc.sites).toHaveLength(24);
    expect(doc.sites.filter((s) => s.kind === 'occupied')).toHaveLength(8);
    expect(doc.sites.every((s) => /^(8a|16c)$/.test(s.label))).toBe(true);
    expect(doc.hops).toHaveLength(32);
    for (const h of doc.hops) {
      expect(h.length).toBeCloseTo(ref.d8a16c, 12);
      expect(Math.hypot(h.end[0] - h.start[0], h.end[1] - h.start[1], h.end[2] - h.start[2])).toBeCloseTo(ref.d8a16c, 12);
    }
    const perSite = new Map<string, number>();
    for (const h of doc.hops) for (const id of [h.from, h.to]) perSite.set(id, (perSite.get(id) ?? 0) + 1);
    for (const s of spinelSites()) expect(perSite.get(s.id)).toBe(s.kind === 'occupied' ? 4 : 2);
    expect(doc.notes?.[0]).toMatch(/synthetic/);
  });

  it('keeps the bonds per cell for a 19,208-atom 7×7×7 supercell', () => {
    const big = spinel().supercell([7, 7, 7]);
    const bonds = findBonds(big);
    expect(big.nsites).toBe(56 * 343);
    expect(bonds).toHaveLength(ref.nbonds * 343);
  });
});

describe('buildScene: bonds to periodic images and flat polyhedra', () => {
  it('bonds an atom to its own images once each', () => {
    // One O in a 1.3 Å cube: O–O 1.3 Å ≤ 1.15·(0.66+0.66) = 1.518 Å along ±a, ±b, ±c.
    const s = new Structure(Lattice.cubic(1.3), [{ frac: [0, 0, 0], species: 'O' }]);
    const bonds = findBonds(s);
    expect(bonds.map((b) => b.image).sort()).toEqual([[0, 0, 1], [0, 1, 0], [1, 0, 0]]);
    expect(bonds.every((b) => Math.abs(b.length - 1.3) < 1e-12)).toBe(true);
  });

  it('skips square-planar (flat) coordination', () => {
    // Cu at the centre of four O in a plane (c long): CN 4 but no volume.
    const s = new Structure(Lattice.fromParameters({ a: 3.9, b: 3.9, c: 12, alpha: 90, beta: 90, gamma: 90 }), [
      { frac: [0, 0, 0], species: 'Cu' },
      { frac: [0.5, 0, 0], species: 'O' },
      { frac: [0, 0.5, 0], species: 'O' },
    ]);
    const bonds = findBonds(s);
    expect(bonds).toHaveLength(4); // Cu–O 1.95 Å to both images of each O
    expect(polyhedraFromBonds(s, bonds)).toHaveLength(0);
  });
});

describe('buildScene: NEB images', () => {
  const doc = syntheticNebScene();
  const neb = doc.neb!;

  it('has coordinates, relative energies and barriers', () => {
    const step = (Math.sqrt(3) / 16) * SPINEL_A; // the Li moves a/16·(1,1,1) per image
    expect(neb.images).toHaveLength(5);
    neb.images.forEach((im, k) => expect(im.coordinate).toBeCloseTo(k * step, 10));
    expect(neb.images.map((i) => Number(i.relativeEnergy.toFixed(6)))).toEqual([0, 0.22, 0.45, 0.2, -0.02]);
    expect(neb.barrier).toBeCloseTo(0.45, 10);
    expect(neb.reverseBarrier).toBeCloseTo(0.47, 10);
    expect(neb.movingAtom).toBe(0);
  });

  it('gives the moving Li its bonds in each image (4 O at 8a, 6 O at 16c)', () => {
    expect(neb.images[0].bonds).toHaveLength(4);
    expect(neb.images[2].bonds).toHaveLength(expected.spinel.li16c_O.bonded);
    const shortest = Math.min(...neb.images[2].bonds!.map((b) => b.length));
    expect(shortest).toBeCloseTo(expected.spinel.li16c_O.nearest, 9);
  });

  it('unwraps positions across the cell boundary', () => {
    const lat = Lattice.cubic(5);
    const mk = (x: number) => new Structure(lat, [{ frac: [x, 0.5, 0.5], species: 'Li' }, { frac: [0.5, 0, 0], species: 'O' }]);
    const images = [0.9, 0.98, 0.06, 0.14].map((x, k) => ({ energy: k === 2 ? 0.3 : 0, structure: mk(x) }));
    const n = sceneNeb(images[0].structure, { images }, null);
    expect(n.images.map((im) => Number(im.positions[0][0].toFixed(9)))).toEqual([4.5, 4.9, 5.3, 5.7]);
    expect(n.images[3].coordinate).toBeCloseTo(1.2, 12);
    expect(n.movingAtom).toBe(0);
    expect(() => sceneNeb(images[0].structure, { images: [images[0]] }, null)).toThrow(/two images/);
  });
});

describeWithFixtures('buildScene: a real POSCAR (pymatgen test_files/POSCAR)', ['vasp/pymatgen/test_files/POSCAR'], () => {
  it('matches pymatgen bonds and scipy polyhedron volumes', () => {
    const ref = expected.pymatgen_POSCAR;
    const { structure } = readPoscar(fixture(ref.file));
    const doc = buildScene(structure);
    expect(doc.atoms).toHaveLength(ref.natoms);
    expect(doc.bonds).toHaveLength(ref.nbonds);
    expectStatsClose(pairStats(doc), ref.pairs);
    expectStatsClose(polyStats(doc), ref.polyhedra);
  });
});

describe('buildScene: disordered sites', () => {
  it('colours a mixed site by the occupancy-weighted Jmol colours', () => {
    // Co #F090A0, Ni #50D050, Mn #9C7AC7 → mean (158.67, 158, 146.33)
    expect(blendColor([{ element: 'Co', occupancy: 1 / 3 }, { element: 'Ni', occupancy: 1 / 3 }, { element: 'Mn', occupancy: 1 / 3 }])).toBe('#9F9E92');
    expect(blendColor([{ element: 'Li', occupancy: 0.5 }, { element: 'Li', occupancy: 0.5 }])).toBe('#CC80FF');
  });
});

describeWithFixtures('ionpath view: scene for a CIF', ['cif/LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif'], () => {
  const ref = expected.LiMn2O4_cif;

  it('labels Wyckoff positions, finds bonds and polyhedra with metrics', async () => {
    const { scene } = await sceneForInput(fixture(ref.file), [2, 2, 1]);
    expect(scene.spacegroup).toEqual({ number: 227, symbol: 'Fd-3m' });
    expect(scene.atoms).toHaveLength(ref.natoms);
    expect(scene.bonds).toHaveLength(ref.nbonds);
    expectStatsClose(pairStats(scene), ref.pairs);
    expectStatsClose(polyStats(scene), ref.polyhedra);
    const count = (w: string) => scene.atoms.filter((a) => a.wyckoff === w).length;
    expect([count('8a'), count('16d'), count('32e')]).toEqual([8, 16, 32]);
    expect(scene.polyhedra.every((p) => typeof p.metrics?.distortionIndex === 'number')).toBe(true);
    expect(scene.view?.repeats).toEqual([2, 2, 1]);
  });

  it('writes the page with --out, and refuses to overwrite it without --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ionpath-view-'));
    const out = join(dir, 'spinel.html');
    const assets = join(dir, 'dist');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(assets);
    writeFileSync(join(assets, 'index.html'), '<html><!--IONPATH_SCENE-->\n<script src="viewer.js"></script></html>');
    writeFileSync(join(assets, 'viewer.js'), 'window.ok = 1;');
    const old = process.env.IONPATH_VIEWER_DIST;
    process.env.IONPATH_VIEWER_DIST = assets;
    const write = process.stdout.write.bind(process.stdout);
    let printed = '';
    process.stdout.write = ((c: string) => ((printed += c), true)) as typeof process.stdout.write;
    try {
      await runView({ input: fixture(ref.file), out, json: true });
      await expect(runView({ input: fixture(ref.file), out })).rejects.toThrow(/already exists/);
      await runView({ input: fixture(ref.file), out, force: true });
    } finally {
      process.stdout.write = write;
      if (old === undefined) delete process.env.IONPATH_VIEWER_DIST;
      else process.env.IONPATH_VIEWER_DIST = old;
    }
    const summary = JSON.parse(printed.slice(0, printed.indexOf('\n}') + 2));
    // the Li sites (8 × 8a, 16 × 16c) and the hops up to full 3D percolation (32 + 48) are shown too
    expect(summary).toMatchObject({ out, atoms: 56, bonds: 128, polyhedra: 24, sites: 24, hops: 80 });
    const json = /id="ionpath-scene">(.*?)<\/script>/s.exec(readFileSync(out, 'utf8'))![1];
    expect(JSON.parse(json).atoms).toHaveLength(56);
  });
});

describe('ionpath view: arguments', () => {
  it('parses --supercell', () => {
    expect(parseRepeats('2x2x1')).toEqual([2, 2, 1]);
    expect(parseRepeats(' 3×1×2 ')).toEqual([3, 1, 2]);
    for (const bad of ['2x2', '0x1x1', '2x2x51', 'axbxc', '1.5x1x1']) expect(() => parseRepeats(bad)).toThrow(/--supercell/);
  });

  it('says clearly what is missing in a NEB folder, and names missing files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ionpath-neb-'));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, '00'));
    mkdirSync(join(dir, '01'));
    const notNeb = await sceneForInput(mkdtempSync(join(tmpdir(), 'ionpath-empty-'))).catch((x: unknown) => x);
    expect(String((notNeb as Error).message)).toMatch(/not a NEB run or deck/);
    const e = await sceneForInput(dir).catch((x: unknown) => x);
    expect(isInputError(e)).toBe(true);
    // image folders without POSCAR or OUTCAR: the missing file is named
    expect(String((e as Error).message) + String((e as { file?: string }).file)).toMatch(/00.*POSCAR|POSCAR.*00|no such file/);
    const m = await sceneForInput(join(dir, 'nope.cif')).catch((x: unknown) => x);
    expect(isInputError(m)).toBe(true);
  });
});

describe('viewer layout', () => {
  it('repeats items and adds far-face copies of items on cell faces', () => {
    const inst = layoutInstances([[0, 0.5, 0.5], [0.25, 0.25, 0.25]], [2, 1, 1], true);
    // item 0 on the a-face: cells 0, 1 and the far face 2; item 1: cells 0, 1
    const shifts = (i: number) => [...inst.index].flatMap((x, k) => (x === i ? [[inst.shift[k * 3], inst.shift[k * 3 + 1], inst.shift[k * 3 + 2]]] : []));
    expect(shifts(0)).toEqual([[0, 0, 0], [1, 0, 0], [2, 0, 0]]);
    expect(shifts(1)).toEqual([[0, 0, 0], [1, 0, 0]]);
    expect(layoutInstances([[0, 0, 0]], [1, 1, 1], true).count).toBe(8); // corner atom: 8 corners
    expect(layoutInstances([[0, 0, 0]], [3, 3, 3], false).count).toBe(27);
    // an item stored outside [0,1) is brought into the cells: 1.25 → shift −1
    const out = layoutInstances([[1.25, 0.5, 0.5]], [1, 1, 1], false);
    expect([...out.shift]).toEqual([-1, 0, 0]);
    // 0.9999999 counts as the face at 1 ≡ 0
    expect(layoutInstances([[0.9999999, 0.5, 0.5]], [1, 1, 1], true).count).toBe(2);
  });

  it('interpolates NEB images and lists bond partners both ways', () => {
    const out = new Float64Array(3);
    const imgs = [[[0, 0, 0]], [[1, 2, 3]], [[3, 2, 1]]];
    expect([...interpolateImages(imgs, 0.5, out)]).toEqual([0.5, 1, 1.5]);
    expect([...interpolateImages(imgs, 2, out)]).toEqual([3, 2, 1]);
    expect([...interpolateImages(imgs, 9, out)]).toEqual([3, 2, 1]);
    const p = bondPartners(2, [{ a: 0, b: 1, image: [1, 0, -1] }]);
    expect(p[0]).toEqual([{ partner: 1, image: [1, 0, -1] }]);
    expect(p[1]).toEqual([{ partner: 0, image: [-1, 0, 1] }]);
  });
});

describe('self-contained page', () => {
  const assets = {
    html: '<!doctype html><html><head><style>x</style></head><body><!--IONPATH_SCENE-->\n<script src="viewer.js"></script></body></html>',
    js: 'var a = "$&$1$`"; window.x = 1;',
  };
  const doc = { ...spinelScene(), title: 'evil </script><script>alert(1)</script> <!-- title' };

  it('embeds the scene so no markup in it can end the script element', () => {
    const html = selfContainedPage(doc, assets);
    expect(html.match(/<\/script>/g)).toHaveLength(2); // the scene's and the bundle's own closing tags
    const json = /<script type="application\/json" id="ionpath-scene">(.*?)<\/script>/s.exec(html)![1];
    expect(JSON.parse(json).title).toBe(doc.title);
    expect(JSON.parse(json).atoms).toHaveLength(56);
    expect(html).toContain('<script>var a = "$&$1$`"; window.x = 1;</script>'); // bundle inlined verbatim
    expect(html).not.toContain('src="viewer.js"');
    expect(scriptSafeJson('a\u2028b<')).toBe('"a\\u2028b\\u003c"');
  });

  it('refuses to overwrite without force and writes atomically', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ionpath-page-'));
    const out = join(dir, 'page.html');
    const r = writeSelfContainedPage(out, doc, { assets });
    expect(r.bytes).toBe(readFileSync(out).length);
    writeFileSync(out, 'keep me');
    expect(() => writeSelfContainedPage(out, doc, { assets })).toThrow(/already exists/);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    writeSelfContainedPage(out, doc, { assets, force: true });
    expect(readFileSync(out, 'utf8')).toContain('ionpath-scene');
    expect(readdirSync(dir)).toEqual(['page.html']); // no temp file left behind
    expect(existsSync(out)).toBe(true);
  });

  it('rejects a bundle that would close its own script element', () => {
    expect(() => selfContainedPage(doc, { ...assets, js: 'x = "</script>"' })).toThrow(/cannot be inlined/);
  });
});
