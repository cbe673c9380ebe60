/**
 * Numbers typed in a flag or at a prompt. Dependency-free on purpose: the
 * command line parses flags before any command runs, and must not load the
 * decimal library to do it. Dividing by 100, 1,000 or 1,000,000 is moving the
 * decimal point, done on the digits, so it is exact.
 */

const FLAG_NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;
const PLACES = { k: 3, m: 6 } as const;

/** `text` (a valid flag number) × 10^−shift, as plain decimal text without exponent or needless zeros. */
function shifted(text: string, shift: number): string {
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = FLAG_NUMBER.exec(text)!;
  const digits = `${whole}${fraction}`;
  const point = whole.length + Number(exponent) - shift;
  const padded = point <= 0 ? `${'0'.repeat(1 - point)}${digits}` : digits.padEnd(point, '0');
  const at = Math.max(point, 1);
  const integer = padded.slice(0, at).replace(/^0+(?=\d)/, '');
  const decimals = padded.slice(at).replace(/0+$/, '');
  const plain = decimals ? `${integer}.${decimals}` : integer;
  return sign === '-' && /[1-9]/.test(plain) ? `-${plain}` : plain;
}

/**
 * A number typed in a flag or at a prompt, as plain decimal text: "0.7", or
 * with `percent` "70%" (0.7), or with `per` a price per thousand or million
 * units as LLM prices are published ("2.5/1M" is 0.0000025). Undefined when
 * it is none of these.
 */
export function flagNumber(text: string, accepts: { percent?: boolean; per?: boolean } = {}): string | undefined {
  const trimmed = text.trim();
  const percent = accepts.percent && trimmed.endsWith('%') ? trimmed.slice(0, -1).trim() : undefined;
  const per = accepts.per ? /^(.*?)\s*\/\s*1\s*([kKmM])$/.exec(trimmed) : null;
  const number = percent ?? per?.[1] ?? trimmed;
  if (!FLAG_NUMBER.test(number) || !/\d/.test(number.split(/e/i)[0]!)) return undefined;
  return shifted(number, percent !== undefined ? 2 : per ? PLACES[per[2]!.toLowerCase() as keyof typeof PLACES] : 0);
}
