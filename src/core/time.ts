/**
 * Instants from ISO 8601 text. A date or date-time without an offset is UTC,
 * on every machine whatever TZ says: the same log and window give the same
 * audit on a laptop and on a CI runner. (Date.parse reads a date-time without
 * an offset in the machine's zone, but a bare date in UTC.)
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Epoch milliseconds of an ISO 8601 date or date-time, or NaN when it is not one (or names a day or time that does not exist). */
export function parseInstant(text: string): number {
  const m = ISO.exec(text.trim());
  if (!m) return Number.NaN;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', offset] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  let at = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (offset && offset.toUpperCase() !== 'Z') {
    const sign = offset[0] === '-' ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    const [oh, om] = [Number(digits.slice(0, 2)), Number(digits.slice(2) || '0')];
    if (oh > 23 || om > 59) return Number.NaN;
    at -= sign * (oh * 60 + om) * 60_000;
  }
  return at;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
