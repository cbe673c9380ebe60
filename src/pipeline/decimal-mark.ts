import type { DecimalMark } from '../core/numbers.js';
import { CliError } from '../io/errors.js';

/** The decimal mark --decimal-comma or --decimal-point declares, if either. */
export function decimalMarkOf(flags: { decimalComma?: boolean; decimalPoint?: boolean }): DecimalMark | undefined {
  if (flags.decimalComma && flags.decimalPoint) throw new CliError('--decimal-comma and --decimal-point contradict each other; give one');
  return flags.decimalComma ? 'comma' : flags.decimalPoint ? 'point' : undefined;
}
