/**
 * The OUTCAR state machine: fed one line at a time, it keeps only the current ionic step
 * and scalars of the finished ones (plus per-step geometry when asked), so memory stays
 * flat on multi-gigabyte files.
 *
 * How VASP lays out one ionic step (4.6 → 6.x alike):
 *   ---- Iteration N( 1) ----, … ( k) …   electronic steps ("number of electron … magnetization M")
 *   aborting loop because EDIFF is reached
 *   magnetization (x) table               (LORBIT/RWIGS set)
 *   FORCE on cell … in kB                 stress
 *   direct lattice vectors                cell of this step
 *   POSITION   TOTAL-FORCE (eV/Angst)     Cartesian positions and forces
 *   FREE ENERGIE OF THE ION-ELECTRON SYSTEM  → free energy TOTEN, energy without entropy, energy(sigma->0)
 *   NEB: … projections on to tangent      VTST builds, after the energies
 *   LOOP+:                                end of the ionic step
 * On-the-fly ML force fields print "ML FREE ENERGIE …" blocks too: a step with a DFT
 * block is a DFT step (the ML block there is the refit's prediction); a step with only an
 * ML block is marked `mlff: true`.
 *
 * A step is complete once its energy block is read; what follows an interrupted step is
 * dropped, so a truncated file gives every step it holds.
 */
import { InputError } from '../core/errors.js';
import { fortranNumber, fortranNumbers, numberAfterEquals } from './outcar-numbers.js';
import type {
  OutcarHeader,
  OutcarMessage,
  OutcarNeb,
  OutcarOptions,
  OutcarResult,
  OutcarStep,
  OutcarTiming,
} from './outcar-types.js';

interface EnergyBlock {
  energy: number;
  woEntropy: number;
  sigma0: number;
  line: number;
}

interface PendingEnergy {
  kind: 'dft' | 'ml';
  line: number;
  energy?: number;
}

interface Geometry {
  positions: Float64Array;
  forces: Float64Array;
  maxForce: number;
}

interface Segment {
  iterations: number;
  ionicNumber: number | null;
  scf: boolean | null;
  dft: EnergyBlock | null;
  ml: EnergyBlock | null;
  mlAfterDft: boolean;
  dftGeom: Geometry | null;
  mlGeom: Geometry | null;
  lattice: number[][] | null;
  stress: number[] | null;
  mlStress: number[] | null;
  magTotal: number | null;
  siteMag: number[] | null;
  efermi: number | null;
  tangentForce: number | null;
  vtstMaxForce: number | null;
}

/** A table reader: returns false when `line` is not part of the table (it is then dispatched normally). */
type TableReader = (line: string, no: number) => boolean;

function newSegment(): Segment {
  return {
    iterations: 0,
    ionicNumber: null,
    scf: null,
    dft: null,
    ml: null,
    mlAfterDft: false,
    dftGeom: null,
    mlGeom: null,
    lattice: null,
    stress: null,
    mlStress: null,
    magTotal: null,
    siteMag: null,
    efermi: null,
    tangentForce: null,
    vtstMaxForce: null,
  };
}

/** A private copy of a (possibly sliced) string, so a kept value does not pin a whole read chunk. */
function detach(s: string): string {
  return s.length > 12 ? Buffer.from(s, 'latin1').toString('latin1') : s;
}

function firstNonSpace(s: string): number {
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9) return i;
    i++;
  }
  return -1;
}

function isDashes(s: string): boolean {
  const i = firstNonSpace(s);
  return i >= 0 && s.charCodeAt(i) === 45 && s.charCodeAt(i + 1) === 45 && s.charCodeAt(i + 2) === 45;
}

function parameterValue(raw: string): number | boolean | string {
  const n = fortranNumber(raw);
  if (n !== undefined && !Number.isNaN(n)) return n;
  const u = raw.toUpperCase();
  if (u === 'T' || u === '.TRUE.' || u === 'TRUE') return true;
  if (u === 'F' || u === '.FALSE.' || u === 'FALSE') return false;
  return raw;
}

const PARAM_RE = /^\s*([A-Z][A-Z0-9_]*)\s*=\s*([^\s;]+)/;
const INCAR_RE = /^\s+([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/;
const ITERATION_RE = /Iteration\s+(\d+)\s*\(\s*(\d+)\s*\)/;

export class OutcarParser {
  private readonly file: string;
  private readonly keepSteps: boolean;
  private readonly maxWarnings: number;

  private lineNo = 0;
  private headerDone = false;
  private inStartparameter = false;
  private sawFirstLine = false;
  private table: TableReader | null = null;
  private pendingEnergy: PendingEnergy | null = null;
  private deferred: InputError | null = null;
  private seg: Segment = newSegment();
  private lastLattice: number[][] | null = null;
  private stressIsMl = false;
  private box: string[] | null = null;
  private boxLine = 0;
  private inTiming = false;

  private readonly header: OutcarHeader = {
    vaspVersion: null,
    vaspVersionLine: null,
    incar: {},
    parameters: {},
    potcars: [],
    elements: [],
    ionsPerType: null,
    species: null,
    nions: null,
    nelect: null,
    nkpts: null,
    nbands: null,
    ispin: null,
    ibrion: null,
    isif: null,
    nsw: null,
    nelm: null,
    nwrite: null,
    ediff: null,
    ediffg: null,
    encut: null,
    potim: null,
    ldau: false,
    ldauU: null,
    ldauJ: null,
    ldauL: null,
    mlff: false,
    initialLattice: null,
    initialFractional: null,
  };
  private vrhfin: string[] = [];
  private potcarLines: string[] = [];
  private rawIonsPerType: number[] | null = null;
  private ionsPerTypeLine = 0;

  private readonly steps: OutcarStep[] = [];
  private mlBlocks = 0;
  private finalGeom: { step: number; lattice: number[][] | null; geom: Geometry } | null = null;
  private lastSiteMag: number[] | null = null;
  private lastDft: { index: number; energy: number; energySigma0: number } | null = null;
  private readonly warnings: OutcarMessage[] = [];
  private warningsDropped = 0;
  private readonly warningKeys = new Set<string>();
  private readonly vaspErrors: OutcarMessage[] = [];
  private timing: OutcarTiming | null = null;
  private reachedAccuracy = false;
  private stopped = false;
  private neb: OutcarNeb | null = null;

  constructor(file: string, opts: OutcarOptions = {}) {
    this.file = file;
    this.keepSteps = opts.keepSteps ?? false;
    this.maxWarnings = opts.maxWarnings ?? 100;
  }

  // ---------------------------------------------------------------- input

  /** Feed the next line (without its newline). */
  feed(line: string): void {
    this.lineNo++;
    if (this.deferred) {
      // a malformed line that was not the file's (cut-off) last line: really malformed
      throw this.deferred;
    }
    if (this.table) {
      if (this.table(line, this.lineNo)) return;
      this.table = null;
    }
    if (this.box) {
      const b = firstNonSpace(line);
      if (b >= 0 && line.charCodeAt(b) === 124) {
        if (this.box.length < 200) this.box.push(line);
        return;
      }
      this.finishBox();
    }
    if (this.pendingEnergy && this.energyLine(line)) return;
    this.dispatch(line);
  }

  /** Feed many lines. */
  feedAll(lines: readonly string[]): void {
    for (let k = 0; k < lines.length; k++) this.feed(lines[k]);
  }

  /** Lines read so far. */
  get lines(): number {
    return this.lineNo;
  }

  /**
   * Feed a block of text holding whole lines ("\n"-separated; a trailing "\r" is dropped).
   * Same result as feeding its lines one by one, but after the header only lines that can
   * matter are sliced out of the block: most of an OUTCAR (eigenvalues, timings, charge
   * tables) is skipped by looking at its first characters in place.
   */
  feedText(t: string): void {
    const n = t.length;
    let s = 0;
    while (s < n) {
      let e = t.indexOf('\n', s);
      if (e === -1) e = n;
      let end = e;
      if (end > s && t.charCodeAt(end - 1) === 13) end--;
      if (this.slowPath()) this.feed(t.slice(s, end));
      else {
        let i = s;
        while (i < end) {
          const c = t.charCodeAt(i);
          if (c !== 32 && c !== 9) break;
          i++;
        }
        if (i < end && mayMatter(t, i)) this.feed(t.slice(s, end));
        else this.lineNo++;
      }
      s = e + 1;
    }
  }

  /** States in which every line must go through `feed`. */
  private slowPath(): boolean {
    return (
      !this.headerDone ||
      this.inStartparameter ||
      this.table !== null ||
      this.box !== null ||
      this.pendingEnergy !== null ||
      this.deferred !== null ||
      !this.sawFirstLine
    );
  }

  // ---------------------------------------------------------------- dispatch

  private dispatch(line: string): void {
    const i = firstNonSpace(line);
    if (i < 0) return;
    if (!this.sawFirstLine) {
      this.sawFirstLine = true;
      const t = line.trim();
      const tok = t.split(/\s+/)[0];
      if (tok.toLowerCase().startsWith('vasp.')) {
        this.header.vaspVersion = detach(tok);
        this.header.vaspVersionLine = detach(t);
        return;
      }
    }
    const c = line.charCodeAt(i);
    if (this.inStartparameter && c >= 65 && c <= 90) this.parameterLine(line);
    switch (c) {
      case 45: // '-'
        if (line.charCodeAt(i + 1) === 45) this.dashLine(line, i);
        return;
      case 124: // '|'
        this.box = [line];
        this.boxLine = this.lineNo;
        return;
      case 70: // 'F'
        if (line.startsWith('FREE ENERGIE OF THE ION-ELECTRON SYSTEM', i)) this.startEnergy('dft');
        else if (line.startsWith('FORCES: max atom', i)) {
          const v = fortranNumbers(line, line.indexOf('RMS', i) + 3);
          if (v && v.length >= 1) this.seg.vtstMaxForce = v[0];
        } else if (line.startsWith('FORCE on cell', i)) this.stressIsMl = false;
        return;
      case 77: // 'M'
        if (line.startsWith('ML FREE ENERGIE OF THE ION-ELECTRON SYSTEM', i)) this.startEnergy('ml');
        else if (line.startsWith('ML FORCE on cell', i)) this.stressIsMl = true;
        else if (line.startsWith('Maximum memory used (kb):', i) && this.inTiming) this.timingValue('maxMemoryKb', line);
        return;
      case 80: // 'P'
        if (line.startsWith('POSITION', i) && line.includes('TOTAL-FORCE')) this.startPositions(line.includes('(ML)'));
        else if (!this.headerDone && line.startsWith('POTCAR:', i) && this.potcarLines.length < 1000) {
          this.potcarLines.push(detach(line.slice(i + 7).trim()));
        }
        return;
      case 76: // 'L'
        if (line.startsWith('LOOP+:', i)) this.closeSegment();
        else if (line.startsWith('LDA+U is selected', i)) this.header.ldau = true;
        return;
      case 110: // 'n'
        if (line.startsWith('number of electron', i)) this.electronCount(line, i);
        else if (!this.headerDone && line.includes('NIONS')) this.dimensions(line);
        return;
      case 107: // 'k'
        if (!this.headerDone && line.includes('NKPTS')) this.dimensions(line);
        return;
      case 109: // 'm'
        if (line.startsWith('magnetization (x)', i)) this.startSiteMagnetization();
        return;
      case 105: // 'i'
        if (line.startsWith('in kB', i)) this.stressLine(line, i);
        else if (!this.headerDone && line.startsWith('ions per type', i)) {
          const v = fortranNumbers(line, line.indexOf('=') + 1);
          if (v && this.rawIonsPerType === null) {
            this.rawIonsPerType = v;
            this.ionsPerTypeLine = this.lineNo;
          }
        }
        return;
      case 100: // 'd'
        if (line.startsWith('direct lattice vectors', i)) this.startLattice();
        return;
      case 78: // 'N'
        if (line.startsWith('NEB:', i)) this.nebLine(line, i);
        return;
      case 69: // 'E'
        if (line.startsWith('E-fermi', i)) {
          const v = numberAfterEquals(line.replace(':', '='), i);
          this.seg.efermi = v === undefined || Number.isNaN(v) ? null : v;
        } else if (line.startsWith('Elapsed time (sec):', i) && this.inTiming) {
          this.timingValue('elapsedSeconds', line);
        } else if (line.startsWith('Error', i) || line.startsWith('ERROR', i)) this.vaspError(line);
        return;
      case 84: // 'T'
        if (line.startsWith('TITEL', i)) this.titel(line);
        else if (line.startsWith('Total CPU time used (sec):', i) && this.inTiming) this.timingValue('cpuSeconds', line);
        return;
      case 86: // 'V'
        if (line.startsWith('VTST: version', i)) {
          this.nebInfo().vtstVersion = detach(line.slice(line.indexOf('version') + 7).trim());
        } else if (line.startsWith('VRHFIN', i)) {
          const eq = line.indexOf('=');
          const colon = line.indexOf(':', eq);
          if (eq > 0) this.vrhfin.push(detach(line.slice(eq + 1, colon > eq ? colon : undefined).trim()));
        } else if (line.startsWith('VERY BAD NEWS', i)) this.vaspError(line);
        return;
      case 67: // 'C'
        if (line.startsWith('CHAIN: Running the', i)) {
          this.nebInfo().method = detach(line.slice(line.indexOf('Running the') + 11).trim());
        }
        return;
      case 73: // 'I'
        if (!this.headerDone && line.startsWith('INCAR:', i)) this.startIncarEcho();
        return;
      case 83: // 'S'
        if (!this.headerDone && line.startsWith('Startparameter for this run', i)) this.inStartparameter = true;
        return;
      case 71: // 'G'
        if (line.startsWith('General timing and accounting', i)) {
          this.inTiming = true;
          this.timing ??= { elapsedSeconds: null, cpuSeconds: null, maxMemoryKb: null };
        }
        return;
      case 114: // 'r'
        if (line.startsWith('reached required accuracy', i)) this.reachedAccuracy = true;
        return;
      case 112: // 'p'
        if (!this.headerDone && line.startsWith('position of ions in fractional coordinates', i)) this.startInitialPositions();
        return;
      case 115: // 's'
        if (line.startsWith('soft stop encountered', i)) this.stopped = true;
        return;
      case 116: // 't'
        if (line.startsWith('tangential force (eV/A)', i)) {
          const v = fortranNumbers(line, i + 'tangential force (eV/A)'.length);
          if (v && v.length) this.seg.tangentForce = v[0];
        }
        return;
      case 87: // 'W'
        if (line.startsWith('WARNING', i)) this.warn(this.lineNo, line.trim());
        return;
      case 85: // 'U'
        if (line.includes('for each species LDAU')) this.ldauLine(line);
        return;
      default:
        return;
    }
  }

  private dashLine(line: string, i: number): void {
    // "----- Iteration  N(  k) -----", "----- aborting loop because EDIFF is reached -----"
    const it = line.indexOf('Iteration', i);
    if (it >= 0) {
      const m = ITERATION_RE.exec(line);
      if (!m) return;
      this.endHeader();
      const ionic = Number(m[1]);
      const seg = this.seg;
      if (seg.dft && seg.ionicNumber !== null && ionic !== seg.ionicNumber) this.closeSegment();
      if (this.seg.ionicNumber === null) this.seg.ionicNumber = ionic;
      this.seg.iterations++;
      return;
    }
    const ab = line.indexOf('aborting loop', i);
    if (ab >= 0) {
      if (line.includes('EDIFF is reached')) this.seg.scf = true;
      else if (line.includes('not reached') || line.includes('unconverged')) this.seg.scf = false;
    }
  }

  private endHeader(): void {
    if (this.headerDone) return;
    this.headerDone = true;
    this.inStartparameter = false;
  }

  // ---------------------------------------------------------------- header

  private startIncarEcho(): void {
    const incar = this.header.incar;
    this.table = (line) => {
      const m = INCAR_RE.exec(line);
      if (!m || m[1].toUpperCase() === 'POTCAR') return false;
      const key = m[1].toUpperCase();
      if (!(key in incar)) incar[key] = detach(m[2]);
      return true;
    };
  }

  private parameterLine(line: string): void {
    if (line.indexOf('=') < 0) return;
    const parts = line.indexOf(';') >= 0 ? line.split(';') : [line];
    for (const part of parts) {
      const m = PARAM_RE.exec(part);
      if (!m) continue;
      const key = m[1];
      if (key in this.header.parameters) continue;
      this.header.parameters[key] = typeof parameterValue(m[2]) === 'string' ? detach(m[2]) : parameterValue(m[2]);
    }
  }

  private titel(line: string): void {
    const eq = line.indexOf('=');
    if (eq < 0) return;
    const t = line.slice(eq + 1).trim();
    this.header.potcars.push(detach(t));
  }

  private dimensions(line: string): void {
    const grab = (key: string): number | null => {
      const m = new RegExp(`${key}\\s*=\\s*(\\d+)`).exec(line);
      return m ? Number(m[1]) : null;
    };
    if (this.header.nions === null && line.includes('NIONS')) this.header.nions = grab('NIONS');
    if (this.header.nkpts === null && line.includes('NKPTS')) this.header.nkpts = grab('NKPTS');
    if (this.header.nbands === null && line.includes('NBANDS')) this.header.nbands = grab('NBANDS');
  }

  private ldauLine(line: string): void {
    const m = /LDAU([LUJ])\s*=\s*(.*)$/.exec(line);
    if (!m) return;
    const v = fortranNumbers(m[2].trim());
    if (!v) return;
    if (m[1] === 'U' && this.header.ldauU === null) this.header.ldauU = v;
    if (m[1] === 'J' && this.header.ldauJ === null) this.header.ldauJ = v;
    if (m[1] === 'L' && this.header.ldauL === null) this.header.ldauL = v;
  }

  private startInitialPositions(): void {
    const rows: number[][] = [];
    const want = this.header.nions;
    this.table = (line) => {
      const v = fortranNumbers(line);
      if (!v || v.length < 3 || (want !== null && rows.length >= want)) {
        if (want === null || rows.length === want) this.header.initialFractional = rows;
        return false;
      }
      rows.push([v[0], v[1], v[2]]);
      return true;
    };
  }

  // ---------------------------------------------------------------- per-step tables

  private startLattice(): void {
    const rows: number[][] = [];
    const startLine = this.lineNo;
    this.table = (line) => {
      const v = fortranNumbers(line);
      if (!v || v.length < 3) {
        this.malformed(`expected three lattice-vector components (Å) after "direct lattice vectors" (line ${startLine})`, line);
        return true;
      }
      rows.push([v[0], v[1], v[2]]);
      if (rows.length === 3) {
        this.table = null;
        if (!this.headerDone) this.header.initialLattice = rows;
        this.seg.lattice = rows;
        this.lastLattice = rows;
      }
      return true;
    };
  }

  private startPositions(ml: boolean): void {
    const n = this.header.nions;
    const pos: number[] = [];
    const frc: number[] = [];
    let sawTop = false;
    const startLine = this.lineNo;
    this.endHeader();
    this.table = (line) => {
      if (isDashes(line)) {
        if (!sawTop) {
          sawTop = true;
          return true;
        }
        this.finishPositions(ml, pos, frc, startLine);
        this.table = null;
        return true;
      }
      if (!sawTop) return false;
      const v = fortranNumbers(line);
      if (!v || v.length !== 6) {
        this.malformed(`expected 6 numbers (x y z in Å, Fx Fy Fz in eV/Å) in the POSITION/TOTAL-FORCE table started on line ${startLine}`, line);
        return true;
      }
      if (n !== null && pos.length >= 3 * n) {
        this.malformed(`the POSITION/TOTAL-FORCE table started on line ${startLine} has more rows than NIONS = ${n}`, line);
        return true;
      }
      pos.push(v[0], v[1], v[2]);
      frc.push(v[3], v[4], v[5]);
      return true;
    };
  }

  private finishPositions(ml: boolean, pos: number[], frc: number[], startLine: number): void {
    const n = this.header.nions;
    if (n !== null && pos.length !== 3 * n) {
      this.warn(startLine, `POSITION/TOTAL-FORCE table has ${pos.length / 3} rows, expected NIONS = ${n}; its geometry is ignored`);
      return;
    }
    let maxF = 0;
    let overflow = false;
    for (let k = 0; k < frc.length; k += 3) {
      const f = Math.hypot(frc[k], frc[k + 1], frc[k + 2]);
      if (Number.isNaN(f)) overflow = true;
      else if (f > maxF) maxF = f;
    }
    if (overflow || pos.some((x) => Number.isNaN(x))) {
      this.warn(startLine, 'POSITION/TOTAL-FORCE table has overflowed fields (********)');
      maxF = Number.NaN;
    }
    const g: Geometry = { positions: Float64Array.from(pos), forces: Float64Array.from(frc), maxForce: maxF };
    if (ml) this.seg.mlGeom = g;
    else this.seg.dftGeom = g;
  }

  private startSiteMagnetization(): void {
    const tot: number[] = [];
    // 0: before "# of ion", 1: before the dashes, 2: rows, 3: after the closing dashes ("tot" line)
    let phase = 0;
    const done = () => {
      this.seg.siteMag = tot;
    };
    this.table = (line) => {
      const i = firstNonSpace(line);
      switch (phase) {
        case 0:
          if (i < 0) return true;
          if (line.startsWith('# of ion', i)) {
            phase = 1;
            return true;
          }
          return false;
        case 1:
          if (isDashes(line)) {
            phase = 2;
            return true;
          }
          return false;
        case 2: {
          if (i < 0) {
            done();
            this.table = null;
            return true;
          }
          if (isDashes(line)) {
            done();
            phase = 3;
            return true;
          }
          const v = fortranNumbers(line);
          if (!v || v.length < 2) {
            this.malformed('expected an ion number and its moments (μB) in the magnetization (x) table', line);
            return true;
          }
          tot.push(v[v.length - 1]);
          return true;
        }
        default:
          this.table = null;
          return i >= 0 && line.startsWith('tot', i);
      }
    };
  }

  private stressLine(line: string, i: number): void {
    const v = fortranNumbers(line, i + 5);
    if (!v || v.length !== 6) {
      this.malformed('expected 6 stress components (kB) after "in kB"', line);
      return;
    }
    if (this.stressIsMl) this.seg.mlStress = v;
    else this.seg.stress = v;
  }

  private electronCount(line: string, i: number): void {
    // " number of electron       8.0000000 magnetization       1.2000000" (ISPIN=2)
    // " number of electron     144.9999690 magnetization "                (ISPIN=1)
    const m = line.indexOf('magnetization', i);
    if (m < 0) return;
    const v = fortranNumbers(line, m + 13);
    if (!v) return;
    this.seg.magTotal = v.length === 1 && !Number.isNaN(v[0]) ? v[0] : null;
  }

  private nebLine(line: string, i: number): void {
    if (line.startsWith('NEB: projections on to tangent', i)) {
      const close = line.indexOf(')', i);
      const v = fortranNumbers(line, close + 1);
      if (v && v.length >= 2) {
        this.seg.tangentForce = v[1];
      }
      return;
    }
    const neb = this.nebInfo();
    if (line.includes('LCLIMB')) {
      const t = line.trim().split(/\s+/);
      const b = parameterValue(t[t.length - 1]);
      if (typeof b === 'boolean') neb.climbing = b;
    } else if (line.includes('SPRING')) {
      const t = line.trim().split(/\s+/);
      const s = fortranNumber(t[t.length - 1]);
      if (s !== undefined) neb.spring = s;
    }
  }

  private nebInfo(): OutcarNeb {
    this.neb ??= { vtstVersion: null, method: null, climbing: null, spring: null, tangentForce: null };
    return this.neb;
  }

  private timingValue(key: keyof OutcarTiming, line: string): void {
    const colon = line.lastIndexOf(':');
    const v = fortranNumber(line.slice(colon + 1).trim().replace(/\.$/, ''));
    if (this.timing) this.timing[key] = v === undefined || Number.isNaN(v) ? null : v;
  }

  private vaspError(line: string): void {
    if (this.vaspErrors.length < 50) this.vaspErrors.push({ line: this.lineNo, message: detach(line.trim()) });
  }

  // ---------------------------------------------------------------- energies

  private startEnergy(kind: 'dft' | 'ml'): void {
    this.endHeader();
    if (kind === 'dft' && this.seg.dft) this.closeSegment();
    if (kind === 'ml') {
      this.mlBlocks++;
      if (this.seg.ml && (!this.seg.dft || this.seg.mlAfterDft)) this.closeSegment();
    }
    this.pendingEnergy = { kind, line: this.lineNo };
  }

  /** Lines inside an energy block; returns true when consumed. */
  private energyLine(line: string): boolean {
    const p = this.pendingEnergy!;
    const i = firstNonSpace(line);
    if (i < 0 || isDashes(line)) return true;
    if (p.energy === undefined) {
      // "free  energy   TOTEN  =   -10.83820748 eV" / "free  energy ML TOTEN  =  …"
      if (line.indexOf('TOTEN', i) >= 0 && line.indexOf('free', i) === i) {
        const v = numberAfterEquals(line, i);
        if (v === undefined) {
          this.malformed('expected a number after "free energy TOTEN ="', line);
          this.pendingEnergy = null;
          return true;
        }
        if (Number.isNaN(v)) this.warn(this.lineNo, 'free energy TOTEN overflowed (********)');
        p.energy = v;
        return true;
      }
      this.pendingEnergy = null;
      return false;
    }
    // "energy  without entropy=   -10.83820707  energy(sigma->0) =   -10.83820728"
    const we = line.indexOf('without entropy', i);
    const sg = line.indexOf('sigma->0', i);
    if (we >= 0 && sg > we) {
      const wo = numberAfterEquals(line, we);
      const s0 = numberAfterEquals(line, sg);
      this.pendingEnergy = null;
      if (wo === undefined || s0 === undefined) {
        this.malformed('expected "energy without entropy = <eV>  energy(sigma->0) = <eV>"', line);
        return true;
      }
      if (Number.isNaN(wo) || Number.isNaN(s0)) this.warn(this.lineNo, 'energy overflowed (********)');
      const block: EnergyBlock = { energy: p.energy, woEntropy: wo, sigma0: s0, line: p.line };
      if (p.kind === 'dft') {
        this.seg.dft = block;
      } else {
        if (this.seg.dft) this.seg.mlAfterDft = true;
        this.seg.ml = block;
        this.header.mlff = true;
      }
      return true;
    }
    this.pendingEnergy = null;
    return false;
  }

  // ---------------------------------------------------------------- steps

  private closeSegment(): void {
    const s = this.seg;
    this.seg = newSegment();
    this.stressIsMl = false;
    const block = s.dft ?? s.ml;
    if (!block) return;
    const ml = s.dft === null;
    const geom = ml ? s.mlGeom : s.dftGeom;
    const lattice = s.lattice ?? this.lastLattice;
    const step: OutcarStep = {
      index: this.steps.length + 1,
      mlff: ml,
      energy: block.energy,
      energyWithoutEntropy: block.woEntropy,
      energySigma0: block.sigma0,
      electronicSteps: ml ? 0 : s.iterations,
      scfConverged: ml ? null : s.scf ?? (this.nelm() !== null && s.iterations >= this.nelm()! ? false : null),
      maxForce: geom ? geom.maxForce : null,
      vtstMaxForce: s.vtstMaxForce,
      tangentForce: s.tangentForce,
      magnetization: ml ? null : s.magTotal,
      stress: ml ? s.mlStress : s.stress,
      efermi: ml ? null : s.efermi,
      line: block.line,
    };
    if (this.keepSteps) {
      if (lattice) step.lattice = lattice.map((r) => [...r]);
      if (geom) {
        step.positions = rows3(geom.positions);
        step.forces = rows3(geom.forces);
      }
      if (!ml && s.siteMag) step.siteMagnetization = s.siteMag;
    }
    this.steps.push(step);
    if (!ml && s.siteMag) this.lastSiteMag = s.siteMag;
    if (geom) this.finalGeom = { step: step.index, lattice, geom };
    if (!ml) this.lastDft = { index: step.index, energy: step.energy, energySigma0: step.energySigma0 };
  }

  private nelm(): number | null {
    const v = this.header.parameters.NELM;
    return typeof v === 'number' ? v : null;
  }

  // ---------------------------------------------------------------- messages

  private finishBox(): void {
    const lines = this.box!;
    this.box = null;
    const text: string[] = [];
    let kind: 'warning' | 'advice' | 'error' | 'other' = 'other';
    for (const l of lines) {
      const inner = l.trim().replace(/^\|/, '').replace(/\|$/, '').trim();
      if (!inner) continue;
      if (/^[WARNIG!\s]+$/.test(inner) && inner.includes('W')) {
        kind = 'warning';
        continue;
      }
      if (/^[EROR#\s]+$/.test(inner) && inner.includes('E')) {
        kind = 'error';
        continue;
      }
      if (inner.includes('ADVICE to this user')) {
        kind = 'advice';
        continue;
      }
      text.push(inner);
    }
    const msg = text.join(' ').replace(/\s+/g, ' ').slice(0, 600);
    if (!msg) return;
    if (kind === 'warning') this.warn(this.boxLine, msg);
    else if (kind === 'error') {
      if (this.vaspErrors.length < 50) this.vaspErrors.push({ line: this.boxLine, message: detach(msg) });
    }
  }

  private warn(line: number, message: string): void {
    const key = message;
    if (this.warningKeys.has(key)) return;
    if (this.warnings.length >= this.maxWarnings) {
      this.warningsDropped++;
      return;
    }
    this.warningKeys.add(key);
    this.warnings.push({ line, message: detach(message) });
  }

  /**
   * A recognised line that does not hold what it should. If the file ends right here it
   * was cut mid-line (truncated run: keep what we have); if anything follows, it is
   * corrupt and reading stops with an InputError naming the line.
   */
  private malformed(expected: string, line: string): void {
    const shown = line.length > 120 ? `${line.slice(0, 120)}…` : line;
    this.deferred = new InputError(`${expected}; found ${JSON.stringify(shown.trim())}`, {
      file: this.file,
      line: this.lineNo,
      hint: 'the OUTCAR is corrupt at this line (a damaged copy, or two runs writing to one file)',
    });
    this.table = null;
  }

  // ---------------------------------------------------------------- result

  /** Finish reading (end of file) and build the result. */
  finish(): OutcarResult {
    if (this.box) this.finishBox();
    this.table = null;
    const truncatedLine = this.deferred !== null;
    this.deferred = null;
    // the open segment: keep its step if its energy block was read (the step finished
    // printing; only the trailing LOOP+ is missing)
    const open = this.seg;
    const openHadScf = open.iterations > 0 && open.dft === null;
    if (open.dft || open.ml) this.closeSegment();
    else if (open.siteMag && open.iterations === 0) this.lastSiteMag = open.siteMag;
    else this.seg = newSegment();

    const h = this.header;
    this.fillHeader();
    const last = this.steps.length ? this.steps[this.steps.length - 1] : null;
    const complete = this.timing !== null && this.timing.elapsedSeconds !== null;
    const relaxation = h.ibrion !== null && h.ibrion > 0 && (h.nsw ?? 0) > 0;
    const ionicConverged = this.reachedAccuracy ? true : relaxation ? false : null;

    let reason: string | null = null;
    if (!complete) {
      const err = this.vaspErrors.length ? this.vaspErrors[this.vaspErrors.length - 1].message : null;
      const parts: string[] = [];
      if (err) parts.push(`VASP stopped with an error: ${err}`);
      if (this.stopped) parts.push('stopped by a STOPCAR (soft stop)');
      if (!this.headerDone) parts.push('the file ends during set-up, before the first electronic step');
      else if (!last) parts.push(`no ionic step finished (the file ends ${open.iterations ? `after ${open.iterations} electronic steps of step 1` : 'inside step 1'})`);
      else {
        parts.push(`no timing block at the end: the file stops after ${this.steps.length} complete ionic step${this.steps.length === 1 ? '' : 's'}`);
        if (openHadScf) parts.push(`step ${this.steps.length + 1} was interrupted after ${open.iterations} electronic steps`);
      }
      if (truncatedLine) parts.push('the last line is cut off');
      reason = parts.join('; ');
    }

    const final = this.finalGeom
      ? {
          step: this.finalGeom.step,
          lattice: this.finalGeom.lattice ? this.finalGeom.lattice.map((r) => [...r]) : null,
          positions: rows3(this.finalGeom.geom.positions),
          forces: rows3(this.finalGeom.geom.forces),
        }
      : null;
    const lastDftStep = this.lastDft;
    const magTotal = lastDftStep ? this.steps[lastDftStep.index - 1].magnetization : null;
    const magnetization =
      (h.ispin ?? 1) > 1 || magTotal !== null || this.lastSiteMag !== null
        ? { total: magTotal, sites: this.lastSiteMag }
        : null;
    if (this.neb) this.neb.tangentForce = last ? last.tangentForce : null;

    return {
      file: this.file,
      header: h,
      steps: this.steps,
      nDftSteps: this.steps.filter((s) => !s.mlff).length,
      nMlSteps: this.steps.filter((s) => s.mlff).length,
      mlEnergyBlocks: this.mlBlocks,
      finalEnergy: last ? last.energySigma0 : null,
      finalFreeEnergy: last ? last.energy : null,
      finalEnergyWithoutEntropy: last ? last.energyWithoutEntropy : null,
      finalStep: last ? last.index : null,
      lastDftStep,
      final,
      magnetization,
      neb: this.neb,
      efermi: lastDftStep ? this.steps[lastDftStep.index - 1].efermi : null,
      timing: this.timing,
      warnings: this.warnings,
      warningsDropped: this.warningsDropped,
      vaspErrors: this.vaspErrors,
      complete,
      incompleteReason: reason,
      ionicConverged,
      electronicConverged: lastDftStep ? this.steps[lastDftStep.index - 1].scfConverged : null,
      stopped: this.stopped,
      lines: this.lineNo,
    };
  }

  private fillHeader(): void {
    const h = this.header;
    const p = h.parameters;
    const num = (k: string): number | null => (typeof p[k] === 'number' ? (p[k] as number) : null);
    h.ispin = num('ISPIN');
    h.ibrion = num('IBRION');
    h.isif = num('ISIF');
    h.nsw = num('NSW');
    h.nelm = num('NELM');
    h.nwrite = num('NWRITE');
    h.ediff = num('EDIFF');
    h.ediffg = num('EDIFFG');
    h.encut = num('ENCUT');
    h.potim = num('POTIM');
    h.nelect = num('NELECT');
    if (p.LDAU === true) h.ldau = true;
    const ml = h.incar.ML_LMLFF ?? h.incar.ML_MODE;
    if (ml !== undefined && !/^\.?f/i.test(ml.trim())) h.mlff = true;

    if (h.potcars.length === 0 && this.potcarLines.length >= 2 && this.potcarLines.length % 2 === 0) {
      // no TITEL lines (trimmed file): VASP prints each "POTCAR:" line twice (list + block)
      h.potcars = this.potcarLines.slice(0, this.potcarLines.length / 2);
    }
    h.elements = h.potcars.length ? h.potcars.map(elementOfTitel) : this.vrhfin.map(elementOfTitel2);
    const ipt = this.rawIonsPerType;
    if (ipt) {
      const sum = ipt.reduce((a, b) => a + b, 0);
      const typesOk = h.elements.length === 0 || ipt.length === h.elements.length;
      const nOk = h.nions === null || sum === h.nions;
      if (typesOk && nOk && ipt.every((x) => Number.isInteger(x) && x >= 0)) h.ionsPerType = ipt;
      else {
        this.warn(
          this.ionsPerTypeLine,
          `the "ions per type" line lists ${ipt.length} counts summing to ${sum}, but there are ${h.elements.length} POTCARs and NIONS = ${h.nions} (VASP cuts this line off for many species); species per ion are unknown`,
        );
      }
    }
    if (h.ionsPerType && h.elements.length === h.ionsPerType.length && h.elements.every((e) => e)) {
      const sp: string[] = [];
      h.ionsPerType.forEach((count, t) => {
        for (let k = 0; k < count; k++) sp.push(h.elements[t]);
      });
      h.species = sp;
    }
  }
}

/**
 * After the header: can the line whose first non-blank character is at `i` change the
 * parser's state? Mirrors `dispatch` (the equivalence is tested on every fixture).
 */
function mayMatter(t: string, i: number): boolean {
  switch (t.charCodeAt(i)) {
    case 45: // '-': separators, "Iteration", "aborting loop"
      return t.charCodeAt(i + 1) === 45;
    case 124: // '|': boxed warnings
      return true;
    case 70: // 'F'
      return t.startsWith('FREE ENERGIE', i) || t.startsWith('FORCE', i);
    case 77: // 'M'
      return t.startsWith('ML F', i) || t.startsWith('Maximum memory', i);
    case 80: // 'P'
      return t.startsWith('POSITION', i);
    case 76: // 'L'
      return t.startsWith('LOOP+:', i);
    case 110: // 'n'
      return t.startsWith('number of electron', i);
    case 109: // 'm'
      return t.startsWith('magnetization (x)', i);
    case 105: // 'i'
      return t.startsWith('in kB', i);
    case 100: // 'd'
      return t.startsWith('direct lattice vectors', i);
    case 78: // 'N'
      return t.startsWith('NEB:', i);
    case 69: // 'E'
      return t.startsWith('E-fermi', i) || t.startsWith('Elapsed time', i) || t.startsWith('Error', i) || t.startsWith('ERROR', i);
    case 84: // 'T'
      return t.startsWith('Total CPU time', i);
    case 86: // 'V'
      return t.startsWith('VTST: version', i) || t.startsWith('VERY BAD NEWS', i);
    case 67: // 'C'
      return t.startsWith('CHAIN: Running the', i);
    case 71: // 'G'
      return t.startsWith('General timing', i);
    case 114: // 'r'
      return t.startsWith('reached required accuracy', i);
    case 115: // 's'
      return t.startsWith('soft stop encountered', i);
    case 116: // 't'
      return t.startsWith('tangential force (eV/A)', i);
    case 87: // 'W'
      return t.startsWith('WARNING', i);
    default:
      return false;
  }
}

function rows3(a: Float64Array): number[][] {
  const out: number[][] = [];
  for (let k = 0; k + 2 < a.length; k += 3) out.push([a[k], a[k + 1], a[k + 2]]);
  return out;
}

/** "PAW_PBE Fe_pv 06Sep2000" → "Fe"; "PAW_PBE H1.25 07Sep2000" → "H". */
export function elementOfTitel(titel: string): string {
  const toks = titel.trim().split(/\s+/);
  const sym = toks.length > 1 ? toks[1] : toks[0];
  const m = /^([A-Z][a-z]?)/.exec(sym ?? '');
  return m ? m[1] : '';
}

function elementOfTitel2(vrhfin: string): string {
  const m = /^([A-Z][a-z]?)/.exec(vrhfin.trim());
  return m ? m[1] : '';
}
