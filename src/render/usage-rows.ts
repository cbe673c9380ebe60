import { type Dec, ONE, unitsText } from '../core/decimal.js';
import { UnitsUse } from '../core/units-use.js';
import { type CustomerMonth, type MonthWindow, customerMonth, monthWindow } from '../core/usage.js';

/**
 * The rows of every customer in the usage document, written from text made
 * once; and, for the rows only their units and calls decide, a task another
 * thread can write them from, to the same bytes.
 */

const ROW = '\n      ';
const sixPlaces = (value: Dec | undefined) => (value === undefined ? 'null' : value.toDecimalPlaces(6).toFixed());
/** The row's fixed text, made once: a template re-made for each of 50,000 rows costs a string a key. */
const KEY = {
  customer: `{${ROW}"customer": `,
  plan: `,${ROW}"plan": `,
  included: `,${ROW}"included": `,
  calls: `,${ROW}"calls": `,
  used: `,${ROW}"used": `,
  projected: `,${ROW}"projected": `,
  usedShare: `,${ROW}"used_share": `,
  projectedShare: `,${ROW}"projected_share": `,
  overage: `,${ROW}"projected_overage": `,
  overageMoney: `,${ROW}"projected_overage_money": `,
};
/** A customer without a plan has none of the plan's figures. */
const NO_PLAN_FIGURES = `${KEY.usedShare}null${KEY.projectedShare}null${KEY.overage}null${KEY.overageMoney}null`;
/** The two flags and the row's end, by will_exceed × 2 + under_tenth. */
const FLAGS = [false, true].flatMap((exceed) => [false, true].map((under) => `,${ROW}"will_exceed": ${exceed},${ROW}"under_tenth": ${under}\n    }`));

/**
 * customerJson(c, false) as the JSON writer writes it in the customers array,
 * from text made once: a document of 50,000 customers spends its time here.
 */
export function customerRowText(c: CustomerMonth): string {
  // Pieces added with +, which the batch's join then flattens at once.
  const figures =
    c.usedShare === undefined && c.projectedShare === undefined && c.overage === undefined && c.overageMoney === undefined
      ? NO_PLAN_FIGURES
      : KEY.usedShare + sixPlaces(c.usedShare) + KEY.projectedShare + sixPlaces(c.projectedShare) + KEY.overage + sixPlaces(c.overage) + KEY.overageMoney + sixPlaces(c.overageMoney);
  return (
    KEY.customer +
    JSON.stringify(c.customer) +
    KEY.plan +
    (c.plan ? JSON.stringify(c.plan.name) : 'null') +
    KEY.included +
    (c.plan ? c.plan.included.toFixed() : 'null') +
    KEY.calls +
    String(c.calls) +
    KEY.used +
    (c.usedUnits ? unitsText(c.usedUnits) : c.used.toFixed()) +
    KEY.projected +
    (c.projectedText ? c.projectedText(6) : sixPlaces(c.projected)) +
    figures +
    FLAGS[(c.willExceed ? 2 : 0) + (c.underTenth ? 1 : 0)]!
  );
}


/** Between two rows of the customers array. */
export const ROW_SEPARATOR = ',\n    ';

/** Rows a piece of the document holds: pieces of about 350 KB, written as they are made. */
const ROWS_PER_PIECE = 1000;

/** Rows `from` to `to` of the customers array, a thousand to a piece; `from` > 0 continues an array already begun. */
export function* rowPieces(customers: readonly CustomerMonth[], from: number, to: number): Generator<string> {
  for (let i = from; i < to; i += ROWS_PER_PIECE) {
    yield `${i === 0 ? '' : ROW_SEPARATOR}${customers.slice(i, Math.min(i + ROWS_PER_PIECE, to)).map(customerRowText).join(ROW_SEPARATOR)}`;
  }
}

/**
 * Rows of customers without a plan whose credits were summed in integer
 * units: all customerRowText writes of them follows from the name, the
 * calls, the units and the window, which fit in a few typed arrays and one
 * string of the names end to end.
 */
export interface RowTask {
  /** The window as monthWindow(month, now) makes it. */
  month: number;
  now: number;
  places: number;
  names: string;
  lengths: Int32Array;
  calls: Float64Array;
  counts: Float64Array;
}

/** The task of writing these customers' rows, or undefined when one of them has a plan or no units of `places`. */
export function rowTask(customers: readonly CustomerMonth[], window: MonthWindow): RowTask | undefined {
  const places = customers[0]?.usedUnits?.places;
  if (places === undefined) return undefined;
  const lengths = new Int32Array(customers.length);
  const calls = new Float64Array(customers.length);
  const counts = new Float64Array(customers.length);
  const names: string[] = new Array(customers.length);
  for (let i = 0; i < customers.length; i++) {
    const c = customers[i]!;
    if (c.plan !== undefined || c.usedUnits === undefined || c.usedUnits.places !== places) return undefined;
    names[i] = c.customer;
    lengths[i] = c.customer.length;
    calls[i] = c.calls;
    counts[i] = c.usedUnits.count;
  }
  return { month: window.month, now: window.now, places, names: names.join(''), lengths, calls, counts };
}

/**
 * The task's rows as UTF-8, each after a ROW_SEPARATOR (they continue an
 * array), a thousand to a piece: what rowPieces writes of the same
 * customers, row for row.
 */
export function rowsOfTask(task: RowTask): Uint8Array[] {
  const window = monthWindow(task.month, task.now);
  const encoder = new TextEncoder();
  const pieces: Uint8Array[] = [];
  const n = task.lengths.length;
  let at = 0;
  for (let i = 0; i < n; i += ROWS_PER_PIECE) {
    let text = '';
    for (let j = i; j < Math.min(i + ROWS_PER_PIECE, n); j++) {
      const name = task.names.slice(at, (at += task.lengths[j]!));
      text += ROW_SEPARATOR + customerRowText(customerMonth(new UnitsUse(name, task.calls[j]!, task.counts[j]!, task.places), window, ONE));
    }
    pieces.push(encoder.encode(text));
  }
  return pieces;
}
