/**
 * Instants from ISO 8601 text. A date or date-time without an offset is UTC,
 * on every machine whatever TZ says: the same log and window give the same
 * audit on a laptop and on a CI runner. (Date.parse reads a date-time without
 * an offset in the machine's zone, but a bare date in UTC.)
 */
const DAY_MS = 86_400_000;

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Epoch milliseconds of an ISO 8601 date or date-time, or NaN when it is not one (or names a day or time that does not exist). */
export function parseInstant(text: string): number {
  const m = ISO.exec(text.trim());
  if (!m) return Number.NaN;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', offset] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  // Not Date.UTC, which reads years 0–99 as 1900–1999.
  let at = daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
  if (offset && offset.toUpperCase() !== 'Z') {
    const sign = offset[0] === '-' ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    const [oh, om] = [Number(digits.slice(0, 2)), Number(digits.slice(2) || '0')];
    if (oh > 23 || om > 59) return Number.NaN;
    at -= sign * (oh * 60 + om) * 60_000;
  }
  return at;
}


/** Days since 1970-01-01 of a proleptic Gregorian date (month 1–12), by integer arithmetic alone. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}


function digitsAt(bytes: Uint8Array, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = bytes[i]! - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * parseInstant for the common forms, read straight from bytes:
 * YYYY-MM-DD, then optionally T or a space, HH:MM, :SS, a fraction, and Z
 * or ±HH[:MM]. Gives exactly what parseInstant gives on those forms, and NaN
 * on anything else (which the caller hands to parseInstant, surrounding
 * spaces and all).
 */
export function instantFromBytes(bytes: Uint8Array, start: number, end: number, dates?: DateCache): number {
  if (end - start < 10 || bytes[start + 4] !== 45 || bytes[start + 7] !== 45) return Number.NaN;
  let dayStart: number;
  if (dates !== undefined && dates.date.holds(bytes, start, 10)) dayStart = dates.date.value;
  else {
    const year = digitsAt(bytes, start, 4);
    const month = digitsAt(bytes, start + 5, 2);
    const day = digitsAt(bytes, start + 8, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
    dayStart = daysFromCivil(year, month, day) * DAY_MS;
    dates?.date.keep(bytes, start, 10, dayStart);
  }
  let at = start + 10;
  let ms = 0;
  if (at < end && (bytes[at] === 84 || bytes[at] === 116 || bytes[at] === 32)) {
    if (end - at < 6 || bytes[at + 3] !== 58) return Number.NaN;
    if (dates !== undefined && dates.clock.holds(bytes, at, 6)) ms = dates.clock.value;
    else {
      const hour = digitsAt(bytes, at + 1, 2);
      const minute = digitsAt(bytes, at + 4, 2);
      if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return Number.NaN;
      ms = (hour * 60 + minute) * 60_000;
      dates?.clock.keep(bytes, at, 6, ms);
    }
    at += 6;
    if (at < end && bytes[at] === 58) {
      const second = end - at >= 3 ? digitsAt(bytes, at + 1, 2) : -1;
      if (second < 0 || second > 59) return Number.NaN;
      ms += second * 1000;
      at += 3;
      if (at < end && (bytes[at] === 46 || bytes[at] === 44)) {
        at++;
        let places = 0;
        let fraction = 0;
        while (at < end && bytes[at]! >= 48 && bytes[at]! <= 57) {
          if (places < 3) fraction = fraction * 10 + (bytes[at]! - 48);
          places++;
          at++;
        }
        if (places === 0 || places > 9) return Number.NaN;
        ms += fraction * 10 ** (3 - Math.min(places, 3));
      }
    }
  }
  if (at < end) {
    const c = bytes[at];
    if ((c === 90 || c === 122) && at + 1 === end) at++;
    else if (c === 43 || c === 45) {
      const sign = c === 45 ? -1 : 1;
      const oh = end - at >= 3 ? digitsAt(bytes, at + 1, 2) : -1;
      let om = 0;
      at += 3;
      if (at < end) {
        if (bytes[at] === 58) at++;
        om = end - at === 2 ? digitsAt(bytes, at, 2) : -1;
        at = end;
      }
      if (oh < 0 || oh > 23 || om < 0 || om > 59) return Number.NaN;
      ms -= sign * (oh * 60 + om) * 60_000;
    } else return Number.NaN;
  }
  if (at !== end) return Number.NaN;
  return dayStart + ms;
}

/**
 * A run of bytes read last (and found valid), and the number it was read as.
 * Its length is given on every call, as a literal: the comparison's loop then
 * has a constant bound (read from the array, it cost about 160 instructions
 * a row more).
 */
class KeptBytes {
  private readonly bytes: Uint8Array;
  private known = false;
  value = 0;

  constructor(length: number) {
    this.bytes = new Uint8Array(length);
  }

  /** Whether the `length` bytes at `start` are the ones kept. */
  holds(bytes: Uint8Array, start: number, length: number): boolean {
    if (!this.known) return false;
    const kept = this.bytes;
    for (let i = 0; i < length; i++) if (bytes[start + i] !== kept[i]) return false;
    return true;
  }

  keep(bytes: Uint8Array, start: number, length: number, value: number): void {
    const kept = this.bytes;
    for (let i = 0; i < length; i++) kept[i] = bytes[start + i]!;
    this.value = value;
    this.known = true;
  }
}

/**
 * What instantFromBytes read last with this cache: the date (YYYY-MM-DD) and
 * its day's first instant, and the hour and minute (the six bytes `THH:MM`)
 * and their milliseconds into the day. A log in time order has the same date
 * on row after row, and the same minute on row after row of a busy one,
 * which are then compared rather than read and worked out again.
 */
export class DateCache {
  readonly date = new KeptBytes(10);
  readonly clock = new KeptBytes(6);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
