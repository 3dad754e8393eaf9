/**
 * Wires `ionpath neb --hop H2 | --path "8a>16c>8a"` to the site and hop analysis: the hops of
 * `ionpath paths` (same defaults) are computed for the structure and the requested one is
 * turned into positions. A vacancy hop cannot start on an empty site, so a chain that starts
 * on an interstitial site becomes an interstitial hop (the ion is inserted there).
 */
import { findSites } from '../analysis/sites.js';
import { findHops } from '../analysis/paths.js';
import { selectHop } from '../analysis/hop-selection.js';
import { registerHopResolver } from './neb.js';

registerHopResolver((structure, spec) => {
  const sites = findSites(structure, { ion: spec.ion });
  const paths = findHops(structure, sites);
  const h = selectHop(sites, paths, spec.hop ?? spec.path ?? '');
  const startOccupied = sites.sites.some((s) => s.kind === 'occupied' && s.label === h.labels[0]);
  const mechanism = spec.mechanism === 'vacancy' && !startOccupied ? 'interstitial' : spec.mechanism;
  return { ...h, mechanism };
});
