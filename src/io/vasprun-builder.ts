/**
 * The streaming heart of the vasprun.xml reader: SAX events in, a VasprunResult out.
 *
 * Only small sub-trees are held in memory (one header section, one `<scstep>`, one
 * `<structure>`…); everything else is skipped as it streams past, so memory does not grow
 * with the file. Elements that were never closed (a truncated file) are dropped: only
 * complete ionic steps are reported and `complete` is false.
 */
import sax from 'sax';
import { InputError } from '../core/errors.js';
import type { Structure } from '../core/structure.js';
import { type XNode, makeNode, describe } from './vasprun-node.js';
import { ValueReader, WarningSink } from './vasprun-values.js';
import {
  type RawStructure,
  emptyGenerator,
  readAtomInfo,
  readGenerator,
  readKpoints,
  readParams,
  readStructureNode,
  toStructure,
  versionToken,
} from './vasprun-sections.js';
import {
  CalcAccumulator,
  addScstep,
  maxForce,
  readEigenvalues,
  readEnergyBlock,
  readPartialDos,
  readTotalDos,
  readVectors,
  stepEnergies,
} from './vasprun-calculation.js';
import type { Dos, IonicStep, VasprunOptions, VasprunResult } from './vasprun-types.js';

/** Children of <modeling> that are read whole. */
const TOP_CAPTURE = new Set(['generator', 'incar', 'parameters', 'atominfo', 'kpoints', 'structure']);
/** Children of <calculation> that are read whole (eigenvalues only on request). */
const CALC_CAPTURE = new Set(['scstep', 'structure', 'varray', 'energy']);

export const DEFAULT_MAX_TEXT = 1 << 20;
/** vasprun.xml nests about 8 deep; anything past this is hostile or broken (sax keeps a stack). */
export const MAX_DEPTH = 256;

export class VasprunBuilder {
  readonly parser: sax.SAXParser;
  private readonly rd: ValueReader;
  private readonly warnings: WarningSink;
  private readonly maxText: number;

  /** Open elements outside captured/skipped sub-trees: modeling, calculation, dos. */
  private readonly stack: string[] = [];
  /** Nesting depth inside an element being skipped (0 = not skipping). */
  private skipDepth = 0;
  private readonly capture: XNode[] = [];

  /** Elements the feeder may jump over once opened (see vasprun-feeder.ts). */
  readonly fastSkipNames: ReadonlySet<string>;
  /** Name of the element being skipped when the feeder may jump to its end, else null. */
  fastSkip: string | null = null;

  private rootSeen = false;
  private rootClosed = false;
  private calc: CalcAccumulator | null = null;
  private nCalcStarted = 0;

  private readonly result: VasprunResult;
  private lastStep: IonicStep | null = null;
  private rawFinal: RawStructure | null = null;
  private dosEfermi: number | null = null;
  private dosTotal: Pick<Dos, 'energies' | 'total' | 'integrated'> | null = null;
  private dosPartial: Dos['partial'] = null;

  constructor(
    readonly file: string,
    readonly opts: VasprunOptions = {},
  ) {
    this.warnings = new WarningSink(file);
    this.rd = new ValueReader(file, this.warnings);
    this.maxText = opts.maxTextLength ?? DEFAULT_MAX_TEXT;
    const fast = ['projected', 'projected_kpoints_opt', 'eigenvalues_kpoints_opt', 'dielectricfunction'];
    if (!opts.eigenvalues) fast.push('eigenvalues');
    if (!opts.dos) fast.push('total', 'partial');
    this.fastSkipNames = new Set(fast);
    this.result = {
      file,
      complete: false,
      incompleteReason: null,
      generator: emptyGenerator(),
      vaspVersion: null,
      incar: {},
      parameters: {},
      atominfo: null,
      nions: null,
      kpoints: null,
      initialStructure: null,
      finalStructure: null,
      steps: [],
      nSteps: 0,
      finalEnergy: null,
      finalFreeEnergy: null,
      efermi: null,
      isSpin: false,
      hasEigenvalues: false,
      hasTotalDos: false,
      hasPartialDos: false,
      convergedElectronic: false,
      convergedIonic: false,
      converged: false,
      eigenvalues: null,
      dos: null,
      warnings: [],
    };
    // strictEntities: only the five XML entities; anything else is an error, never expanded.
    const saxOpts = { strictEntities: true, position: true } as sax.SAXOptions;
    const p = sax.parser(true, saxOpts);
    p.onopentag = (t) => this.open(t as sax.Tag);
    p.onclosetag = () => this.close();
    p.ontext = (t) => this.text(t);
    p.oncdata = (t) => this.text(t);
    p.ondoctype = () => {
      throw this.err('<!DOCTYPE> declarations are refused: vasprun.xml never has one, and its entity definitions could expand without bound');
    };
    p.onerror = (e) => {
      const msg = String(e.message).split('\n')[0];
      throw this.err(`malformed XML: ${msg}`);
    };
    this.parser = p;
  }

  /** Feed text (a chunk of the document). */
  write(text: string): void {
    this.parser.write(text);
  }

  /**
   * The feeder jumped over s[from, to) inside a skipped element: move the parser's line and
   * column on as if it had read them, so later positions stay right.
   */
  skipped(s: string, from: number, to: number): void {
    const p = this.parser;
    let n = 0;
    let last = -1;
    for (let k = s.indexOf('\n', from); k >= 0 && k < to; k = s.indexOf('\n', k + 1)) {
      n++;
      last = k;
    }
    p.line += n;
    p.column = n ? to - last - 1 : p.column + (to - from);
    p.position += to - from;
  }

  private line(): number {
    return this.parser.line + 1;
  }

  private err(message: string, line = this.line()): InputError {
    return new InputError(message, { file: this.file, line, column: this.parser.column + 1 });
  }

  private open(tag: sax.Tag): void {
    if (this.stack.length + this.skipDepth + this.capture.length >= MAX_DEPTH) {
      throw this.err(`elements nested deeper than ${MAX_DEPTH} levels (a vasprun.xml nests about 8)`);
    }
    if (this.skipDepth > 0) {
      this.skipDepth++;
      return;
    }
    const name = tag.name;
    if (this.capture.length > 0) {
      const node = makeNode(name, tag.attributes, this.line());
      this.capture[this.capture.length - 1].children.push(node);
      this.capture.push(node);
      return;
    }
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) {
      if (this.rootSeen) throw this.err(`a second root element <${name}>`);
      if (name !== 'modeling') throw this.err(`the root element is <${name}>, expected <modeling> (is this a vasprun.xml?)`);
      this.rootSeen = true;
      this.stack.push(name);
      return;
    }
    let capture = false;
    if (parent === 'modeling') {
      if (name === 'calculation') {
        this.nCalcStarted++;
        this.calc = new CalcAccumulator(this.line());
        this.stack.push(name);
        return;
      }
      capture = TOP_CAPTURE.has(name);
    } else if (parent === 'calculation') {
      if (name === 'dos') {
        this.stack.push(name);
        return;
      }
      if (name === 'eigenvalues') {
        this.result.hasEigenvalues = true;
        capture = Boolean(this.opts.eigenvalues);
      } else {
        capture = CALC_CAPTURE.has(name);
      }
    } else if (parent === 'dos') {
      if (name === 'total') this.result.hasTotalDos = true;
      if (name === 'partial') this.result.hasPartialDos = true;
      capture = name === 'i' || ((name === 'total' || name === 'partial') && Boolean(this.opts.dos));
    }
    if (capture) this.capture.push(makeNode(name, tag.attributes, this.line()));
    else {
      this.skipDepth = 1;
      if (this.fastSkipNames.has(name) && !tag.isSelfClosing) this.fastSkip = name;
    }
  }

  private text(t: string): void {
    const n = this.capture.length;
    if (n === 0) return;
    const node = this.capture[n - 1];
    if (node.children.length > 0) return; // whitespace between child elements
    if (node.text.length + t.length > this.maxText) {
      throw this.err(`the text of <${node.name}> (from line ${node.line}) is longer than ${this.maxText} characters`, node.line);
    }
    node.text += t;
  }

  private close(): void {
    if (this.skipDepth > 0) {
      this.skipDepth--;
      if (this.skipDepth === 0) this.fastSkip = null;
      return;
    }
    if (this.capture.length > 0) {
      const node = this.capture.pop()!;
      if (this.capture.length === 0) this.dispatch(node);
      return;
    }
    const name = this.stack.pop();
    if (name === 'calculation') this.finishCalc();
    else if (name === 'modeling') this.rootClosed = true;
  }

  /** A captured sub-tree is complete: read it. */
  private dispatch(node: XNode): void {
    const where = this.stack[this.stack.length - 1];
    const rd = this.rd;
    const r = this.result;
    if (where === 'modeling') {
      switch (node.name) {
        case 'generator':
          r.generator = readGenerator(node);
          r.vaspVersion = versionToken(r.generator, rd, node.line);
          break;
        case 'incar':
          r.incar = readParams(node, rd);
          break;
        case 'parameters':
          r.parameters = readParams(node, rd);
          break;
        case 'atominfo':
          r.atominfo = readAtomInfo(node, rd);
          r.nions = r.atominfo.elements.length;
          break;
        case 'kpoints':
          r.kpoints = readKpoints(node, rd);
          break;
        case 'structure': {
          const which = node.attrs.name;
          if (which === 'initialpos') r.initialStructure = this.structure(readStructureNode(node, rd));
          else if (which === 'finalpos') this.rawFinal = readStructureNode(node, rd);
          break;
        }
      }
      return;
    }
    if (where === 'calculation') {
      const c = this.calc!;
      switch (node.name) {
        case 'scstep':
          addScstep(c, node, rd);
          break;
        case 'structure':
          c.structure = readStructureNode(node, rd);
          break;
        case 'energy':
          c.energy = readEnergyBlock(node, rd);
          break;
        case 'varray':
          if (node.attrs.name === 'forces') c.forces = this.atomRows(readVectors(node, rd), node);
          else if (node.attrs.name === 'stress') {
            c.stress = readVectors(node, rd);
            if (c.stress.length !== 3) throw new InputError(`<varray name="stress"> needs 3 rows, found ${c.stress.length}`, { file: this.file, line: node.line });
          }
          break;
        case 'eigenvalues':
          r.eigenvalues = readEigenvalues(node, rd);
          break;
      }
      return;
    }
    if (where === 'dos') {
      if (node.name === 'i' && node.attrs.name === 'efermi') {
        this.dosEfermi = rd.float(node.text, node.line, '<i name="efermi">');
      } else if (node.name === 'total') this.dosTotal = readTotalDos(node, rd);
      else if (node.name === 'partial') this.dosPartial = readPartialDos(node, rd);
    }
  }

  private atomRows<T>(rows: T[], node: XNode): T[] {
    const n = this.result.nions;
    if (n !== null && rows.length !== n) {
      throw new InputError(`${describe(node)} has ${rows.length} rows, expected one per atom (${n})`, { file: this.file, line: node.line });
    }
    return rows;
  }

  private structure(raw: RawStructure): Structure | null {
    const sys = this.result.incar.SYSTEM;
    return toStructure(raw, this.result.atominfo, typeof sys === 'string' ? sys : '', this.rd);
  }

  private nelm(): number {
    const v = this.result.parameters.NELM ?? this.result.incar.NELM;
    return typeof v === 'number' ? v : 60;
  }

  private finishCalc(): void {
    const c = this.calc!;
    this.calc = null;
    const r = this.result;
    const e = stepEnergies(c, this.rd);
    const step: IonicStep = {
      index: r.nSteps + 1,
      structure: c.structure ? this.structure(c.structure) : null,
      forces: c.forces,
      stress: c.stress,
      energy: e.energy,
      energyWithoutEntropy: e.energyWithoutEntropy,
      energySigma0: e.energySigma0,
      maxForce: maxForce(c.forces, c.structure?.selective ?? null),
      electronicSteps: c.nScsteps,
      scfConverged: c.nScsteps < this.nelm(),
      kineticEnergy: c.energy?.get('kinetic') ?? null,
    };
    r.nSteps++;
    if (this.opts.keepSteps === false) r.steps = [step];
    else r.steps.push(step);
    this.lastStep = step;
    this.opts.onStep?.(step);
  }

  /** The input has ended: assemble the result. */
  finish(): VasprunResult {
    const r = this.result;
    if (!this.rootSeen) throw new InputError('no XML element found: the file is empty or not a vasprun.xml', { file: this.file });
    r.complete = this.rootClosed;
    if (!r.complete) r.incompleteReason = this.reason();
    const last = this.lastStep;
    r.finalEnergy = last?.energySigma0 ?? null;
    r.finalFreeEnergy = last?.energy ?? null;
    r.finalStructure = (this.rawFinal ? this.structure(this.rawFinal) : null) ?? last?.structure ?? null;
    r.efermi = this.dosEfermi;
    r.isSpin = r.parameters.ISPIN === 2 || r.incar.ISPIN === 2;
    r.convergedElectronic = last !== null && last.scfConverged;
    const nsw = typeof r.parameters.NSW === 'number' ? r.parameters.NSW : typeof r.incar.NSW === 'number' ? r.incar.NSW : 0;
    // pymatgen's test (NSW <= 1, or stopped before NSW steps). A static run whose one ionic
    // step is complete has converged even if the file was cut afterwards; a relaxation in a
    // truncated file has not (it was stopped, not finished).
    r.convergedIonic = r.nSteps > 0 && (nsw <= 1 || (r.complete && r.nSteps < nsw));
    r.converged = r.convergedElectronic && r.convergedIonic;
    if (this.opts.dos && (this.dosTotal || this.dosPartial)) {
      r.dos = {
        efermi: this.dosEfermi,
        energies: this.dosTotal?.energies ?? [],
        total: this.dosTotal?.total ?? [],
        integrated: this.dosTotal?.integrated ?? [],
        partial: this.dosPartial,
      };
    }
    if (r.steps.length && r.steps.some((s) => s.energySigma0 === null)) {
      this.warnings.add('noenergy', 'some ionic steps have no energy', undefined);
    }
    r.warnings = this.warnings.list();
    return r;
  }

  /** Why the document is incomplete, in words. */
  private reason(): string {
    const open = [...this.stack];
    const inner = this.capture.length ? ` while reading ${describe(this.capture[0])} (from line ${this.capture[0].line})` : '';
    if (this.calc) {
      const n = this.nCalcStarted;
      return `the file ends inside ionic step ${n} (after ${this.calc.nScsteps} electronic steps)${inner}; ${this.result.nSteps} complete ionic steps`;
    }
    if (open.length === 0) return 'the file ends before the root element closes';
    return `the file ends inside <${open[open.length - 1]}>${inner}, before </modeling>; ${this.result.nSteps} complete ionic steps`;
  }
}

