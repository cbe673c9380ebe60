import { type Dec, Dec as D, type Units } from './decimal.js';
import type { CustomerUse, OperationUse } from './usage.js';

/**
 * A customer's month summed in integer units, which it is itself (count and
 * places): its credits become a decimal only when read. Without a breakdown
 * (a reader's subclass gives one).
 */
export class UnitsUse implements CustomerUse, Units {
  private made: Dec | undefined = undefined;
  constructor(
    readonly customer: string,
    readonly calls: number,
    readonly count: number,
    readonly places: number,
  ) {}

  get units(): Units {
    return this;
  }

  get credits(): Dec {
    const per = 10 ** this.places;
    return (this.made ??= this.count % per === 0 ? new D(this.count / per) : new D(this.count).dividedBy(per));
  }

  operations(): OperationUse[] {
    return [];
  }
}
