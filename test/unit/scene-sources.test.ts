import { expect, it } from 'vitest';
import { ionSceneData, nebSceneData } from '../../src/scene/scene-sources.js';
import { sceneForInput } from '../../src/cli/view.js';
import { readStructure } from '../../src/io/read-structure.js';
import { describeWithFixtures, fixture } from '../helpers/fixtures.js';

const LMO = 'cif/LiMn2O4_Berg1998_ICSD50415_Fd-3m_transcribed.cif';
const NEB = 'vasp/npjuc-bilayer-graphene-synapse/fig-2d-NEB/NEB';

describeWithFixtures('scene data from the analyses', [LMO, NEB], () => {
  it('spinel: every 8a and 16c position is a site; hops shown up to full (3D) percolation', () => {
    const s = readStructure(fixture(LMO)).structure;
    const d = ionSceneData(s, 'Li');
    expect(d.sites.filter((x) => x.wyckoff === '8a').length).toBe(8);
    expect(d.sites.filter((x) => x.wyckoff === '16c').length).toBe(16);
    // the 8a→16c class (32 per cell) and the 16c→16c class (48), both at the 0.369 eV peak
    expect(d.hops.length).toBe(80);
    expect(new Set(d.hops.map((h) => h.group)).size).toBe(2);
    expect(d.percolation.at(-1)!.dimensionality).toBe(3);
    for (const h of d.hops) expect(h.length! < 3).toBe(true);
  });

  it('a VTST NEB run becomes images with energies and an absolute-energy spline', async () => {
    const { neb, barrier } = await nebSceneData(fixture(NEB));
    expect(neb.images.length).toBe(9);
    expect(barrier).toBeCloseTo(0.06842, 4);
    const e0 = neb.images[0].energy;
    const top = Math.max(...neb.spline!.map((p) => p.energy));
    expect(top - e0).toBeCloseTo(barrier, 6);
    const { scene } = await sceneForInput(fixture(NEB));
    expect(scene.neb!.images.length).toBe(9);
    expect(scene.neb!.barrier).toBeCloseTo(0.06842, 4);
    expect(scene.atoms.length).toBe(37);
  });
});
