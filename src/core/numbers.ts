import { Dec } from './decimal.js';

const PLAIN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const GROUPED = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
const MONEY = /^([+-]?)\s*[$€£¥]?\s*([+-]?)(.*?)\s*[$€£¥]?$/;

/**
 * Reads a number as spreadsheets export it: an optional currency sign,
 * spaces, and thousands separators in groups of three ("$1,800,000.50").
 * Returns undefined for anything that is not a finite number.
 */
export function parseDecimal(text: string): Dec | undefined {
  const [, sign = '', innerSign = '', digits = ''] = MONEY.exec(text.trim())!;
  if (sign && innerSign) return undefined;
  const compact = sign + innerSign + digits;
  if (PLAIN.test(compact)) return new Dec(compact);
  if (GROUPED.test(compact)) return new Dec(compact.replace(/,/g, ''));
  return undefined;
}
