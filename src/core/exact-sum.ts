import { Dec, ZERO } from './decimal.js';

export interface SumParts {
  small: number;
  big: string;
  extra: string;
}

/** 10^scale by scale, made once. */
const TENS = new Map<number, Dec>();

/** Under this, adding one more fast-path value to a float still gives an exact integer (< 2^53). */
export const SAFE_UNITS = 4e15;

/**
 * An exact running sum of fixed-point values, fast for the common case: values
 * arrive as integer units of 10^-scale held in a Number, which stays exact
 * while the running total is under 2^53; larger totals spill into a BigInt,
 * and values that fit no integer of that scale are added as decimals.
 */
export class ExactSum {
  small = 0;
  big = 0n;
  extra: Dec = ZERO;

  /** `units` must be a non-negative integer under SAFE_UNITS. */
  addUnits(units: number): void {
    this.small += units;
    if (this.small > SAFE_UNITS) {
      this.big += BigInt(this.small);
      this.small = 0;
    }
  }

  addDecimal(value: Dec): void {
    this.extra = this.extra.plus(value);
  }

  /** The sum as plain data, to pass between threads. */
  parts(): SumParts {
    return { small: this.small, big: this.big.toString(), extra: this.extra.toFixed() };
  }

  addParts(parts: SumParts): void {
    this.big += BigInt(parts.big) + BigInt(parts.small);
    this.extra = this.extra.plus(parts.extra);
  }

  total(scale: number): Dec {
    let divisor = TENS.get(scale);
    if (divisor === undefined) TENS.set(scale, (divisor = new Dec(10).pow(scale)));
    // A Number under 2^53 becomes a Dec exactly; the BigInt is made only when the sum spilled into one.
    const units = this.big === 0n ? new Dec(this.small) : new Dec((this.big + BigInt(this.small)).toString());
    const whole = units.dividedBy(divisor);
    return this.extra.isZero() ? whole : whole.plus(this.extra);
  }
}
