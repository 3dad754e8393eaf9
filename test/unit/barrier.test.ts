/**
 * NEB barriers: splines against scipy (barrier-expected.json, made by barrier-expected.py),
 * the two real runs in ../shared/fixtures/vasp against reference.json (pymatgen) and the
 * authors' own neb.dat, and the failure cases.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { analyzeBarrier, type BarrierImageInput } from '../../src/neb/barrier.js';
import { analyzeNebRun, imageDistance, reactionCoordinates } from '../../src/neb/neb-run.js';
import { escapeXml, niceTicks, profileSvg } from '../../src/neb/profile-svg.js';
import { hermiteSpline, naturalCubicSpline } from '../../src/neb/spline.js';
import { extsDat, nebDat, perlNumber, splineDat } from '../../src/neb/vtst-files.js';
import { describeWithFixtures, fixture } from '../helpers/fixtures.js';

const expected = JSON.parse(readFileSync(new URL('./barrier-expected.json', import.meta.url), 'utf8')) as Record<string, any>;
const LI = 'npjuc-bilayer-graphene-synapse/fig-2d-NEB/NEB';
const SI = 'atomate2/tests/test_data/vasp/Si_NEB/NEB/outputs';
const REF = 'vasp/reference.json';

function bandFrom(e: any): BarrierImageInput[] {
  return e.r.map((r: number, k: number) => ({ index: k, energy: -100 + e.e[k], coordinate: r, tangentForce: e.f[k] }));
}

describe('splines vs scipy', () => {
  for (const run of [LI, SI]) {
    const e = expected[run];
    it(`Hermite (VTST) spline of ${run.split('/')[0]}: values, slopes and extrema`, () => {
      const s = hermiteSpline(e.r, e.e, e.f.map((f: number) => -f));
      e.hermite_at.x.forEach((x: number, k: number) => {
        expect(s.value(x)).toBeCloseTo(e.hermite_at.y[k], 12);
        expect(s.derivative(x)).toBeCloseTo(e.hermite_at.dydx[k], 10);
      });
      const ex = s.extrema();
      expect(ex.length).toBe(e.hermite_extrema.length);
      ex.forEach((x, k) => {
        expect(x.x).toBeCloseTo(e.hermite_extrema[k].coordinate, 9);
        expect(x.knot).toBeCloseTo(e.hermite_extrema[k].image, 9);
        expect(x.y).toBeCloseTo(e.hermite_extrema[k].energy, 12);
        expect(x.kind).toBe(e.hermite_extrema[k].kind);
      });
      // knots are interpolated exactly
      e.r.forEach((x: number, k: number) => expect(s.value(x)).toBeCloseTo(e.e[k], 14));
    });
    it(`natural cubic spline of ${run.split('/')[0]}`, () => {
      const s = naturalCubicSpline(e.r, e.e);
      e.natural_at.x.forEach((x: number, k: number) => expect(s.value(x)).toBeCloseTo(e.natural_at.y[k], 12));
      const ex = s.extrema();
      expect(ex.map((x) => x.kind)).toEqual(e.natural_extrema.map((x: any) => x.kind));
      ex.forEach((x, k) => expect(x.y).toBeCloseTo(e.natural_extrema[k].energy, 11));
    });
  }

  it('does not extrapolate beyond the band', () => {
    const s = hermiteSpline([0, 1, 2], [0, 1, 0], [0, 0, 0]);
    expect(s.value(-0.01)).toBeNaN();
    expect(s.value(2.01)).toBeNaN();
    expect(s.derivative(3)).toBeNaN();
    expect(s.value(2)).toBe(0);
  });

  it('rejects knots that do not increase', () => {
    expect(() => hermiteSpline([0, 1, 1], [0, 1, 0], [0, 0, 0])).toThrow(RangeError);
    expect(() => naturalCubicSpline([0, 1], [0, Number.NaN])).toThrow(RangeError);
  });

  it('a cubic is reproduced exactly by the Hermite spline', () => {
    const f = (x: number) => 0.3 * x ** 3 - x ** 2 + 0.5 * x - 2;
    const df = (x: number) => 0.9 * x ** 2 - 2 * x + 0.5;
    const xs = [0, 0.4, 1.1, 1.5, 2.6];
    const s = hermiteSpline(xs, xs.map(f), xs.map(df));
    for (let x = 0; x <= 2.6; x += 0.05) expect(s.value(x)).toBeCloseTo(f(x), 12);
    const m = s.extrema().find((e) => e.kind === 'max')!;
    expect(m.x).toBeCloseTo((2 - Math.sqrt(4 - 1.8)) / 1.8, 10);
  });
});

describe('barrier analysis', () => {
  it('forward/reverse barriers and saddle from the force-based spline', () => {
    const a = analyzeBarrier(bandFrom(expected[SI]));
    expect(a.interpolation).toBe('hermite');
    expect(a.barrier).toBeCloseTo(expected[SI].hermite_max.energy, 12);
    expect(a.saddle.coordinate).toBeCloseTo(expected[SI].hermite_max.coordinate, 9);
    expect(a.saddle.image).toBeCloseTo(expected[SI].hermite_max.image, 9);
    expect(a.reverseBarrier).toBeCloseTo(a.barrier - expected[SI].e.at(-1), 12);
    expect(a.highestImage.index).toBe(2);
    expect(a.splineAgreesWithImages).toBe(true);
  });

  it('falls back to a natural cubic spline when a tangential force is missing', () => {
    const band = bandFrom(expected[LI]);
    band[3].tangentForce = null;
    const a = analyzeBarrier(band);
    expect(a.interpolation).toBe('natural');
    const top = expected[LI].natural_extrema.filter((x: any) => x.kind === 'max').sort((p: any, q: any) => q.energy - p.energy)[0];
    expect(a.barrier).toBeCloseTo(top.energy, 11);
    expect(() => analyzeBarrier(band, { interpolation: 'hermite' })).toThrow(/missing for 03/);
  });

  it('flags a spline maximum far above the highest image', () => {
    // images straddle the saddle: both at 0.2 eV, steep opposite forces between them
    const band: BarrierImageInput[] = [
      { index: 0, energy: 0, coordinate: 0, tangentForce: 0 },
      { index: 1, energy: 0.2, coordinate: 1, tangentForce: -1.0 },
      { index: 2, energy: 0.2, coordinate: 2, tangentForce: 1.0 },
      { index: 3, energy: 0, coordinate: 3, tangentForce: 0 },
    ];
    const a = analyzeBarrier(band);
    expect(a.barrier).toBeCloseTo(0.45, 12); // cubic between: 0.2 + 1*0.25
    expect(a.highestImage.barrier).toBeCloseTo(0.2, 12);
    expect(a.splineAgreesWithImages).toBe(false);
    expect(a.disagreement).toMatch(/lies 0\.2500 eV above the highest image/);
  });

  it('a downhill band has its maximum at the start: barrier 0', () => {
    const a = analyzeBarrier([
      { index: 0, energy: 0, coordinate: 0, tangentForce: 0 },
      { index: 1, energy: -0.5, coordinate: 1, tangentForce: 0.5 },
      { index: 2, energy: -1, coordinate: 2, tangentForce: 0 },
    ]);
    expect(a.barrier).toBe(0);
    expect(a.reverseBarrier).toBeCloseTo(1, 12);
    expect(a.saddle.image).toBe(0);
  });

  it('coincident images are an InputError (the coordinate does not advance)', () => {
    const band = bandFrom(expected[SI]);
    band[2].coordinate = band[1].coordinate;
    expect(() => analyzeBarrier(band)).toThrow(/images 01 and 02 have the same geometry/);
    expect(() => analyzeBarrier(band.slice(0, 2))).toThrow(InputError);
  });
});

describe('VTST files and SVG', () => {
  const a = analyzeBarrier(bandFrom(expected[SI]));
  it('neb.dat, spline.dat and exts.dat in VTST layout', () => {
    const neb = nebDat(a).split('\n');
    expect(neb[1]).toBe('  1     0.590290     0.068744    -0.205975   1');
    expect(neb.length).toBe(6);
    const sp = splineDat(a).trim().split('\n');
    expect(sp.length).toBe(4 * 20 + 1);
    expect(sp[0]).toBe('0\t0\t0\t0');
    const row = sp[21].split('\t').map(Number); // image 1 + 1/20
    expect(row[0]).toBeCloseTo(1.05, 12);
    expect(row[2]).toBeCloseTo(a.spline.value(row[1]), 12);
    expect(row[3]).toBeCloseTo(-a.spline.derivative(row[1]), 10);
    expect(extsDat(a)).toBe('Extrema 1 found at image  1.999994 with energy:  0.158480\n');
    expect(perlNumber(0.05)).toBe('0.05');
    expect(perlNumber(1.5e-7)).toBe('1.5e-07');
    expect(perlNumber(-358.17703636)).toBe('-358.17703636');
  });

  it('SVG: one path in Å, several paths normalised with labels', () => {
    const one = profileSvg([{ label: 'Si vacancy', analysis: a }]);
    expect(one).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(one).toContain('Reaction coordinate (Å)');
    expect(one).toContain('Si vacancy: 0.158 eV');
    expect((one.match(/<circle /g) ?? []).length).toBe(5);
    const li = analyzeBarrier(bandFrom(expected[LI]));
    const many = profileSvg(
      [
        { label: 'I', analysis: a },
        { label: 'II <Li>', analysis: li },
      ],
      { title: 'two hops', unit: 'meV' },
    );
    expect(many).toContain('Reaction coordinate (normalised)');
    expect(many).toContain('II &lt;Li&gt;: 68.4 meV');
    expect(many).toContain('<title>two hops</title>');
    expect((many.match(/<circle /g) ?? []).length).toBe(5 + 9);
    expect(escapeXml(`a&"b'`)).toBe('a&amp;&quot;b&apos;');
    expect(niceTicks(0, 0.16)).toEqual([0, 0.05, 0.1, 0.15, 0.2]);
    expect(niceTicks(-0.001, 0.07)).toEqual([-0.02, 0, 0.02, 0.04, 0.06, 0.08]);
  });
});

describeWithFixtures('real NEB runs', [REF, `vasp/${LI}/00/OUTCAR.gz`, `vasp/${SI}/01/OUTCAR.gz`], () => {
  const ref = JSON.parse(readFileSync(fixture(REF), 'utf8')) as Record<string, any>;

  it('Li in bilayer graphene (plain NEB, 7 images): barrier 0.06842 eV', async () => {
    const { run, analysis: a } = await analyzeNebRun(fixture(`vasp/${LI}`));
    const r = ref[LI].from_dir;
    expect(run.endpointSource).toBe('image-folders');
    a.images.forEach((im, k) => {
      expect(im.energy).toBeCloseTo(r.energies_abs_eV[k], 8);
      expect(im.coordinate).toBeCloseTo(r.r_cumulative_A[k], 5);
      expect(im.tangentForce).toBeCloseTo(r.tangent_forces[k], 9);
    });
    expect(Math.abs(a.barrier - 0.06842)).toBeLessThan(1e-3);
    expect(a.barrier).toBeCloseTo(expected[LI].hermite_max.energy, 7); // spline from our r vs pymatgen's r
    expect(a.highestImage.barrier).toBeCloseTo(r.barrier_images_max_minus_first_eV, 8);
    expect(a.highestImage.reverseBarrier).toBeCloseTo(r.barrier_images_max_minus_last_eV, 8);
    expect(a.highestImage.index).toBe(r.index_of_max_image);
    expect(a.splineAgreesWithImages).toBe(true);
    expect(a.complete).toBe(true);
    // plain NEB converged to EDIFFG = -0.02 on the VTST force of every image
    expect(a.converged).toBe(true);
    expect(a.images.every((im) => im.maxForce! < 0.02)).toBe(true);
    // the authors' neb.dat (VTST nebbarrier.pl) line for line
    const theirs = readFileSync(fixture(`vasp/${LI}/neb.dat`), 'utf8').split('\n');
    const ours = nebDat(a).split('\n');
    ours.forEach((line, k) => {
      if (k === 0 || k === 8 || !line) return;
      expect(line).toBe(theirs[k]);
    });
  });

  it('Si vacancy (CI-NEB, endpoints in relax_endpoint_1/2 found by themselves): barrier 0.15848 eV', async () => {
    const { run, analysis: a } = await analyzeNebRun(fixture(`vasp/${SI}`));
    const r = ref[`${SI}`].from_dir_relaxation_dirs;
    expect(run.endpointSource).toBe('relaxation-folders');
    expect(run.warnings.join('\n')).toMatch(/relax_endpoint_1\/outputs\/OUTCAR.gz/);
    // relax_endpoint_2's final structure has its atoms in another order than 04/POSCAR
    expect(run.warnings.join('\n')).toMatch(/relax_endpoint_2.*differs from .*04\/POSCAR.gz/);
    a.images.forEach((im, k) => {
      expect(im.energy).toBeCloseTo(r.energies_abs_eV[k], 8);
      expect(im.coordinate).toBeCloseTo(r.r_cumulative_A[k], 6);
    });
    expect(Math.abs(a.barrier - 0.15848)).toBeLessThan(1e-3);
    expect(a.barrier).toBeCloseTo(0.15848043053273386, 6); // atomate2 forward_barrier
    expect(a.reverseBarrier).toBeCloseTo(0.1584823105327473, 6); // atomate2 reverse
    expect(a.highestImage.barrier).toBeCloseTo(r.barrier_images_max_minus_first_eV, 8);
    expect(a.converged).toBe(true);
    // the same with explicit --endpoints
    const ep = await analyzeNebRun(fixture(`vasp/${SI}`), {
      endpoints: [fixture('vasp/atomate2/tests/test_data/vasp/Si_NEB/relax_endpoint_1'), fixture('vasp/atomate2/tests/test_data/vasp/Si_NEB/relax_endpoint_2/outputs/OUTCAR.gz')],
    });
    expect(ep.run.endpointSource).toBe('option');
    expect(ep.analysis.barrier).toBeCloseTo(a.barrier, 12);
  });

  it('aiida smoke test (images only, no endpoints) is a clear InputError; with --endpoints the degenerate band is caught', async () => {
    const dir = fixture('vasp/aiida-vasp/src/aiida_vasp/test_data/neb-workchain/calc-000/out');
    await expect(analyzeNebRun(dir)).rejects.toThrow(/start at 01, not 00: the endpoint folders are missing/);
    const img = (n: string) => join(dir, n);
    await expect(analyzeNebRun(dir, { endpoints: [img('01'), img('03')] })).rejects.toThrow(/same geometry/);
  });

  it('reaction coordinate uses minimum images', () => {
    const lat = [
      [4, 0, 0],
      [0, 4, 0],
      [0, 0, 4],
    ];
    const a = { lattice: lat, cart: [[0.1, 0, 0], [2, 2, 2]], source: 'a' };
    const b = { lattice: lat, cart: [[3.9, 0, 0], [2, 2, 2.3]], source: 'b' };
    expect(imageDistance(a, b)).toBeCloseTo(Math.hypot(0.2, 0.3), 12);
    expect(reactionCoordinates([a, b, a])).toEqual([0, imageDistance(a, b), 2 * imageDistance(a, b)]);
    expect(() => imageDistance(a, { ...b, cart: [[0, 0, 0]] })).toThrow(/same atoms/);
  });
});

describeWithFixtures('run layouts', [`vasp/${SI}/01/OUTCAR.gz`], () => {
  const tmp = mkdtempSync(join(tmpdir(), 'ionpath-neb-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const src = fixture('vasp/atomate2/tests/test_data/vasp/Si_NEB');

  it('endpoints from ../endpoints/initial|final (the layout ionpath neb writes)', async () => {
    const deck = join(tmp, 'deck');
    cpSync(join(src, 'NEB/outputs'), join(deck, 'neb'), { recursive: true });
    cpSync(join(src, 'relax_endpoint_1/outputs'), join(deck, 'endpoints/initial'), { recursive: true });
    cpSync(join(src, 'relax_endpoint_2/outputs'), join(deck, 'endpoints/final'), { recursive: true });
    const { run, analysis } = await analyzeNebRun(join(deck, 'neb'));
    expect(run.endpointSource).toBe('relaxation-folders');
    expect(analysis.barrier).toBeCloseTo(0.15848043, 6);
  });

  it('no endpoint energies anywhere: InputError suggesting --endpoints', async () => {
    const lone = join(tmp, 'lone');
    cpSync(join(src, 'NEB/outputs'), lone, { recursive: true });
    const err = await analyzeNebRun(lone).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/no endpoint energies: no OUTCAR in 00 and 04/);
    expect(err.hint).toMatch(/--endpoints/);
  });

  it('a missing image OUTCAR or an empty image folder set is an InputError', async () => {
    const broken = join(tmp, 'broken');
    cpSync(join(src, 'NEB/outputs'), broken, { recursive: true });
    rmSync(join(broken, '02/OUTCAR.gz'));
    await expect(analyzeNebRun(broken, { endpoints: [join(src, 'relax_endpoint_1'), join(src, 'relax_endpoint_2')] })).rejects.toThrow(
      /no OUTCAR in image folder 02/,
    );
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'README'), 'nothing');
    await expect(analyzeNebRun(empty)).rejects.toThrow(/no image folders/);
  });
});

describeWithFixtures('ionpath barrier (CLI document)', [`vasp/${SI}/01/OUTCAR.gz`], () => {
  it('JSON has the DESIGN.md keys and the table shows the barrier', async () => {
    const { barrierJson, summarizeBarrier } = await import('../../src/cli/barrier.js');
    const res = await analyzeNebRun(fixture(`vasp/${SI}`));
    const doc = JSON.parse(JSON.stringify(barrierJson(res)));
    for (const k of ['images', 'barrier', 'reverseBarrier', 'saddle', 'complete']) expect(doc).toHaveProperty(k);
    expect(Object.keys(doc.images[0])).toEqual(expect.arrayContaining(['index', 'energy', 'relativeEnergy', 'coordinate']));
    expect(doc.saddle).toMatchObject({ coordinate: expect.any(Number), energy: expect.any(Number) });
    expect(doc.images.length).toBe(5);
    expect(doc).not.toHaveProperty('spline');
    const text = summarizeBarrier(res).join('\n');
    expect(text).toMatch(/forward barrier {2}0\.1585 eV/);
    expect(text).toMatch(/endpoints from relaxation-folders/);
  });
});
