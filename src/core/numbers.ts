import { Dec } from './decimal.js';

export type DecimalMark = 'point' | 'comma';

/**
 * How a number's separators are read. Undeclared, "." is the decimal mark and
 * "," groups thousands where that is unambiguous ("1,800,000", "12,345.67"
 * but not "1,250"). Declared, the file's convention settles every number:
 * `point` reads "1,250" as 1250, `comma` reads "0,004" as 0.004 and
 * "1.234,5" as 1234.5.
 */
export interface NumberFormat {
  decimalMark?: DecimalMark;
}

/** A number as read from a cell, with the currency sign it carried, if any. */
export interface ReadNumber {
  value: Dec;
  sign?: string;
}

/**
 * Why a cell is not a number: `locale` when it would be one under the other
 * convention of separators (`0,004`, `1,250`, `1.234,5`), so the reader must
 * not guess and names `--decimal-comma` (or its absence) instead.
 */
export type NumberProblem = 'invalid' | 'locale';

const PLAIN = /^(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const SIGNS = '$€£¥';
const MONEY = /^([+-]?)\s*([$€£¥]?)\s*([+-]?)(.*?)\s*([$€£¥]?)$/;
/** Thousands groups by their separator: three digits each after a first group that is not 0. */
const GROUPED: Record<string, RegExp> = { ',': /^[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?$/, '.': /^[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?$/ };

/**
 * `digits` (no sign, no currency) as plain decimal text under one convention
 * (`mark` the decimal mark, `group` the thousands separator), or undefined.
 * With `unambiguous`, a lone group with no decimal part ("1,250") is not
 * enough, since the other convention reads it as a fraction.
 */
function underConvention(digits: string, mark: string, group: string, unambiguous: boolean): string | undefined {
  if (!digits.includes(group)) {
    const plain = digits.replaceAll(mark, '.');
    return PLAIN.test(plain) ? plain : undefined;
  }
  if (!GROUPED[group]!.test(digits)) return undefined;
  if (unambiguous && digits.split(group).length === 2 && !digits.includes(mark)) return undefined;
  return digits.replaceAll(group, '').replace(mark, '.');
}

/**
 * Reads a number as spreadsheets export it: an optional sign and currency
 * sign, spaces, and thousands separators in groups of three
 * ("$1,800,000.50"; with `decimalComma`, "1.800.000,50 €"). The decimal
 * mark of the convention is always taken; a number that only the other
 * convention reads, or that both read differently ("1,250"), is a `locale`
 * problem, never a guess.
 */
export function readNumber(text: string, format: NumberFormat = {}): ReadNumber | NumberProblem {
  const match = MONEY.exec(text.trim());
  if (!match) return 'invalid';
  const [, sign = '', before = '', innerSign = '', digits = '', after = ''] = match;
  if ((sign && innerSign) || (before && after) || digits === '' || /[\s$€£¥]/.test(digits)) return 'invalid';
  const [mark, group] = format.decimalMark === 'comma' ? [',', '.'] : ['.', ','];
  const read = underConvention(digits, mark, group, format.decimalMark === undefined);
  if (read === undefined) return underConvention(digits, group, mark, false) === undefined ? 'invalid' : 'locale';
  const currency = before || after;
  return { value: new Dec(`${sign || innerSign}${read}`), ...(currency && { sign: currency }) };
}

/** readNumber's value, or undefined for anything that is not a number under `format`. */
export function parseDecimal(text: string, format: NumberFormat = {}): Dec | undefined {
  const read = readNumber(text, format);
  return typeof read === 'string' ? undefined : read.value;
}

/** The hint that settles a `locale` problem. */
export function localeHint(format: NumberFormat): string {
  switch (format.decimalMark) {
    case 'comma':
      return 'is not a number with a decimal comma: with --decimal-comma, "," is the decimal mark and "." groups thousands (1.234,5)';
    case 'point':
      return 'is not a number with a decimal point: with --decimal-point, "." is the decimal mark and "," groups thousands (1,234.5)';
    default:
      return 'reads differently by locale; give --decimal-comma if "," is the decimal mark here (0,004 = 0.004), or --decimal-point if "," groups thousands (1,250 = 1250)';
  }
}

/**
 * The convention a column shows by itself: `point` when one of its cells can
 * only be a number with a decimal point and thousands commas ("4,200,000",
 * "12,345.67"). A spreadsheet writes a column one way, so then "95,000" in
 * the same column is 95000: evidence from the file, not a guess.
 */
export function columnEvidence(cells: Iterable<string>): DecimalMark | undefined {
  for (const text of cells) {
    const digits = MONEY.exec(text.trim())?.[4] ?? '';
    if (digits.includes(',') && underConvention(digits, '.', ',', true) !== undefined && underConvention(digits, ',', '.', false) === undefined) return 'point';
  }
  return undefined;
}

/** Currency signs and the ISO 4217 codes they can stand for. */
const SIGN_CURRENCIES: Record<string, readonly string[]> = {
  $: ['USD', 'CAD', 'AUD', 'NZD', 'SGD', 'HKD', 'MXN', 'TWD', 'ARS', 'CLP', 'COP'],
  '€': ['EUR'],
  '£': ['GBP'],
  '¥': ['JPY', 'CNY'],
};

/** Whether a currency sign written in a cell can be the table's currency. */
export function signFits(sign: string, currency: string): boolean {
  return SIGN_CURRENCIES[sign]?.includes(currency) ?? !SIGNS.includes(sign);
}
