/**
 * The ionpath CLI: yargs wiring only. Each command lives in its own file and exports a
 * yargs CommandModule; register it in COMMANDS below.
 */
import yargs from 'yargs';
import type { CommandModule } from 'yargs';
import { reportError } from './common.js';
import { infoCommand } from './info.js';
import { convertCommand } from './convert.js';
import { sitesCommand } from './sites.js';
import { pathsCommand } from './paths.js';
import { polyhedraCommand } from './polyhedra.js';
import { vasprunCommand } from './vasprun.js';
import { viewCommand } from './view.js';
import { outcarCommand } from './outcar.js';
import { barrierCommand } from './barrier.js';
import { buildCommand } from './build.js';
import { orderCommand } from './order.js';
import { nebCommand } from './neb.js';
import { deckCommand } from './deck.js';
import { demoCommand } from './demo.js';
import { screenCommand } from './screen.js';
import { capacityCommand } from './capacity.js';
import { xrdCommand } from './xrd.js';
import './hop-resolver.js'; // --hop / --path of ionpath neb use the site and hop analysis
import '../build/builtins.js'; // every command accepts builtin:NAME (and a bare built-in name)

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const COMMANDS: CommandModule<any, any>[] = [
  demoCommand,
  infoCommand,
  convertCommand,
  buildCommand,
  orderCommand,
  deckCommand,
  nebCommand,
  sitesCommand,
  pathsCommand,
  polyhedraCommand,
  xrdCommand,
  capacityCommand,
  screenCommand,
  outcarCommand,
  vasprunCommand,
  barrierCommand,
  viewCommand,
];

export async function main(argv: string[]): Promise<void> {
  try {
    let y = yargs(argv)
      .scriptName('ionpath')
      .usage('ionpath <command> [options]\n\nFrom a crystal structure to Li-migration barriers.')
      .strict()
      .demandCommand(1, 'Say which command to run (ionpath --help lists them).')
      .recommendCommands()
      .wrap(Math.min(110, process.stdout.columns || 100))
      .fail((msg, err, yy) => {
        if (err) throw err;
        process.stderr.write(`ionpath: ${msg}\n\n`);
        yy.showHelp((s: string) => process.stderr.write(s + '\n'));
        process.exitCode = 2;
      })
      .help()
      .alias('h', 'help')
      .version();
    for (const c of COMMANDS) y = y.command(c);
    await y.parseAsync();
  } catch (e) {
    reportError(e);
  }
}
