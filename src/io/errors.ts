import { EXIT } from '../exit-codes.js';
import type { Position } from '../core/errors.js';

/**
 * Something the user can fix: a bad file, flag or value. Always exit code 2
 * unless stated, printed as one line with the file and position it concerns.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.INPUT,
    /** Several problems, one line each (the message joins them). */
    readonly lines: readonly string[] = [message],
  ) {
    super(message);
  }

  /** The same error with a note at the end of its last line. */
  withNote(note: string): CliError {
    const lines = this.lines.map((line, i) => (i === this.lines.length - 1 ? `${line} ${note}` : line));
    return new CliError(lines.join('\n'), this.exitCode, lines);
  }
}

/** "file:line:col" for a message. */
export function located(file: string, at?: Position): string {
  return `${file}${at ? `:${at.line}${at.column !== undefined ? `:${at.column}` : ''}` : ''}`;
}

/**
 * A CliError about a place in a file: "costs.csv:3:5: …" or "credits.yaml:12:7: operations.x.credits: …".
 * `plain` is the detail without anything quoted from the file (headers, cells), or `true` when
 * `detail` quotes nothing: what may be shown about a file the user did not name (see io/confine.ts).
 */
export class InputError extends CliError {
  readonly plain: string | undefined;
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly at?: Position,
    plain?: string | true,
  ) {
    super(`${located(file, at)}: ${detail}`);
    this.plain = plain === true ? detail : plain;
  }
}

/** Several problems in one file, each an InputError on a line of its own. */
export class InputErrors extends CliError {
  constructor(readonly errors: readonly InputError[]) {
    super(errors.map((e) => e.message).join('\n'), EXIT.INPUT, errors.map((e) => e.message));
  }
}

/** A number that reads differently under another locale's separators ("0,004", "1,250"): settled by --decimal-comma. */
export class LocaleError extends InputError {
  constructor(
    file: string,
    detail: string,
    at: Position,
    plain: string,
    /** The cell as written. */
    readonly text: string,
  ) {
    super(file, detail, at, plain);
  }
}

/** The process was interrupted at a prompt (Ctrl+C). */
export class CancelledError extends CliError {
  constructor() {
    super('Cancelled', EXIT.CANCELLED);
  }
}

/** Names for a message: all of a few, the first dozen of many. */
export function nameList(names: readonly string[], max = 12): string {
  const shown = names.slice(0, max).map((n) => (n.length > 60 ? `${n.slice(0, 57)}…` : n));
  return names.length > max ? `${shown.join(', ')}, … (${names.length} in all)` : shown.join(', ');
}
