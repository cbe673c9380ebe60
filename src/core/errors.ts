/** Where in an input file a problem sits: 1-based line and column (field number). */
export interface Position {
  line: number;
  column?: number;
}

/**
 * A problem with the user's inputs or choices found by the pure core (an
 * unknown base operation, a ladder overflow, samples that disagree). The
 * command layer turns it into exit code 2, naming the file it concerns.
 */
export class DesignError extends Error {
  override readonly name = 'DesignError';
  constructor(
    message: string,
    readonly at?: Position,
    /** About the content of the input file as a whole (such as every volume being 0), so its name belongs in the message. */
    readonly ofInput = false,
  ) {
    super(message);
  }
}
