import { EXIT } from './exit-codes.js';
import { run } from './cli.js';
import { CliError } from './io/errors.js';
import { DesignError } from './core/errors.js';
import { safeText } from './render/safe-text.js';
import { colorWanted } from './ui.js';
import { tuneColdParses } from './io/cold-parse.js';


process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  // A closed pipe (credits … | head) is the reader's choice, not a failure.
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

/** One line on stderr: whatever a message quotes from the user's files cannot break it or colour the terminal. */
function report(message: string): void {
  const color = colorWanted(process.stderr, process.argv.includes('--no-color'));
  process.stderr.write(`${color ? '\u001b[31merror:\u001b[39m' : 'error:'} ${safeText(message)}\n`);
}

// The command line's own process: a table's one parse may be tuned (io/cold-parse.ts).
tuneColdParses();

try {
  process.exitCode = await run(process.argv);
} catch (error) {
  if (error instanceof CliError) {
    if (error.exitCode === EXIT.CANCELLED) process.stderr.write(`${safeText(error.message)}\n`);
    else for (const line of error.lines) report(line);
    process.exitCode = error.exitCode;
  } else if (error instanceof DesignError) {
    report(error.message);
    process.exitCode = EXIT.INPUT;
  } else {
    process.stderr.write(`credits: internal error, please report it with the command you ran:\n${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = EXIT.INTERNAL;
  }
}
