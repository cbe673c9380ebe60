import { DEFAULTS } from '../defaults.js';
import { type Finding, type FindingCode, checkTable } from '../core/check.js';
import type { Dec } from '../core/decimal.js';
import type { Design } from '../core/design.js';
import { ladderFrom } from '../core/ladder.js';
import { type Basis, type Price, priceOperations } from '../core/price.js';
import type { CreditTable } from '../core/table.js';
import type { Source } from '../io/source.js';
import { shellWord } from '../render/format.js';
import { type Derivation, type Settings, deriveTable } from './derive.js';


/** Findings that more credits for the operation can clear. */
const MARGIN_CODES: ReadonlySet<FindingCode> = new Set(['negative-margin', 'margin-below-floor', 'modifier-below-floor', 'zero-credit-discount']);

/** How far up the ladder a pin is looked for: 40 steps is over four decades of the friendly ladder. */
const PIN_SEARCH = 40;

export interface FindingsInput {
  /** The committed table (for `design`, the one just designed). */
  table: CreditTable;
  /** The table as its own recorded costs and parameters design it. */
  recorded: Design;
  /** The design from the current costs. */
  current: Derivation;
  floor: Dec;
  source: Source;
  costsPath: string;
  tablePath: string;
  settings: Settings;
}

/**
 * The committed credits priced at the current costs, with the table's target
 * margin and the basis the current costs call for: what `credits price
 * --costs` writes, and so what `check` expects. Operations the costs no longer
 * have are left out; undefined when none is left.
 */
export function committedPrice(
  table: CreditTable,
  current: Derivation,
  margin: Dec = table.price.target_margin,
  basis: Basis = current.design.price.basis,
): Price | undefined {
  const ops = current.operations.flatMap((o) => {
    const committed = table.operations[o.operation];
    return committed ? [{ operation: o.operation, cost: o.cost, credits: committed.credits, ...(o.volume !== undefined && { volume: o.volume }) }] : [];
  });
  if (ops.length === 0) return undefined;
  return priceOperations(ops, margin, basis, table.currency);
}

/**
 * What `credits check` finds in a table, with advice that works: every
 * finding names a command that, run as printed, makes it go away. A margin
 * that a redesign would not lift gets the least credits, pinned, that clear
 * it, found by designing with each ladder step in turn.
 */
export function tableFindings(input: FindingsInput): Finding[] {
  const { table, floor, source, costsPath, tablePath, settings, current } = input;
  const redesign = ['credits', 'design', costsPath, ...(tablePath === DEFAULTS.table ? [] : ['-o', tablePath])].map(shellWord).join(' ');
  const reprice = ['credits', 'price', '--write', ...(tablePath === DEFAULTS.table ? [] : ['--table', tablePath]), '--costs', costsPath].map(shellWord).join(' ');
  const findingsOf = (derived: Derivation, pin: (operation: string) => string | undefined) => {
    // A simulated redesign is checked as it would be once written: committed = recorded = current.
    const committed = derived === current ? table : derived.table;
    const currentPrice = committedPrice(committed, derived);
    return checkTable({
      table: committed,
      recorded: derived === current ? input.recorded : derived.design,
      current: derived.design,
      currentCosts: derived.operations,
      ...(currentPrice && { currentPrice }),
      floor,
      fixes: { redesign, reprice, pin },
    });
  };
  const pin = (operation: string): string | undefined => {
    const ladder = ladderFrom(settings.ladder);
    let credits: Dec | undefined = table.operations[operation]?.credits;
    for (let step = 0; step < PIN_SEARCH && credits !== undefined; step++) {
      credits = ladder.next(credits);
      if (credits === undefined) return undefined;
      const derived = deriveTable(source, costsPath, { ...settings, pins: { ...settings.pins, [operation]: credits } }, { tablePath, previous: table, read: current });
      const left = findingsOf(derived, () => undefined).filter((f) => f.operation === operation && MARGIN_CODES.has(f.code));
      if (left.length === 0) return `${redesign} ${['--pin', `${operation}=${credits.toFixed()}`].map(shellWord).join(' ')}`;
    }
    return undefined;
  };
  return findingsOf(current, pin);
}
