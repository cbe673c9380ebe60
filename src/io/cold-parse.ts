import { createRequire } from 'node:module';

/**
 * A table is parsed once a run, by code that has not run before: the YAML
 * library's lexer, parser and composer. V8 counts each function's work and
 * queues it for its optimizing compiler once the count passes a budget; for a
 * large table (45 KB, 500 operations) that queues most of the library, and
 * compiling it took about as much CPU as the parse itself, on a background
 * thread that shares the two cores with the audit's reader threads. The parse
 * is over before the compiled code would pay back. So while the command line
 * parses a table, the budget is four times V8's; afterwards it is V8's again.
 *
 * Only the command line turns this on (main.ts): in a process that imports
 * the library, V8's flags are its owner's. It is left off where the tuning was
 * not measured (a V8 other than Node 20's 11.x, whose flag and default it
 * assumes) and where the user set V8's tiering flags.
 */

/** V8 11's interrupt budget (66 KB of bytecode executed), the value put back after a parse. */
export const V8_INTERRUPT_BUDGET = 66 * 1024;

/** How many times V8's budget a table's parse runs with. */
const FACTOR = 4;

/** V8's flags that decide when code is optimized: a process that sets any of them keeps its own choice. */
const TIERING_FLAG = /--(?:no-)?(?:interrupt-budget|jitless|opt|turbofan|max-opt|always-opt|always-turbofan|maglev|sparkplug|always-sparkplug|lite-mode)(?:[=\s]|$)/;

/** Whether the tuning applies to a process of this V8 version, these Node flags and this NODE_OPTIONS. */
export function coldParseApplies(v8Version: string, execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  if (!/^11\./.test(v8Version)) return false;
  return !TIERING_FLAG.test(`${execArgv.join(' ')} ${nodeOptions ?? ''}`);
}

let setFlags: ((flags: string) => void) | undefined;
let depth = 0;

/**
 * Turns the tuning on for this process, when it applies; `flags` is how V8's
 * flags are set (v8.setFlagsFromString, loaded only here; the tests give their own).
 */
export function tuneColdParses(
  applies = coldParseApplies(process.versions.v8, process.execArgv, process.env['NODE_OPTIONS']),
  flags: (flags: string) => void = (text) => (createRequire(import.meta.url)('node:v8') as typeof import('node:v8')).setFlagsFromString(text),
): void {
  setFlags = applies ? flags : undefined;
}

/** Runs `parse` with V8's budget raised (when tuned), and puts the budget back however it ends. */
export function coldParse<T>(parse: () => T): T {
  const flags = setFlags;
  if (flags === undefined) return parse();
  if (depth++ === 0) flags(`--interrupt-budget=${FACTOR * V8_INTERRUPT_BUDGET}`);
  try {
    return parse();
  } finally {
    if (--depth === 0) flags(`--interrupt-budget=${V8_INTERRUPT_BUDGET}`);
  }
}
