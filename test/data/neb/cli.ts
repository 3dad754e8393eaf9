/**
 * A minimal ionpath CLI with only the neb and deck commands, for tests of those commands
 * before/independently of their registration in src/cli/index.ts. Same error handling
 * (exit 2 on bad input) as the real CLI.  Run: npx tsx test/data/neb/cli.ts neb … / deck …
 */
import yargs from 'yargs';
import { reportError } from '../../../src/cli/common.js';
import { nebCommand } from '../../../src/cli/neb.js';
import { deckCommand } from '../../../src/cli/deck.js';

async function main(): Promise<void> {
  try {
    await yargs(process.argv.slice(2))
      .scriptName('ionpath')
      .strict()
      .command(nebCommand)
      .command(deckCommand)
      .demandCommand(1)
      .fail((msg, err) => {
        if (err) throw err;
        process.stderr.write(`ionpath: ${msg}\n`);
        process.exitCode = 2;
      })
      .help()
      .parseAsync();
  } catch (e) {
    reportError(e);
  }
}
void main();
