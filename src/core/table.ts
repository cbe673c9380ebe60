import { type Dec, recordCost, recordRatio, recordRaw } from './decimal.js';
import type { Design } from './design.js';
import type { DecimalMark } from './numbers.js';
import type { Modifier } from './modifiers.js';
import type { PlanSpec } from './plans.js';
import type { Rounding } from './ladder.js';
import type { Basis } from './price.js';
import type { Stat } from './samples.js';

/**
 * What an API charges from, as `credits export --to json` or `--to typescript`
 * snapshots it: credits per operation, the price, plans and modifiers, with
 * exact decimals. It has no `version`, which every table has.
 */
export interface TableSnapshot {
  version?: undefined;
  currency: string;
  price: { per_credit: Dec; pack: { credits: Dec; price: Dec }; display: string };
  operations: Record<string, { credits: Dec }>;
  plans: { name: string; price: Dec; included_credits: Dec }[];
  modifiers: Modifier[];
}

/** The credit table as committed (credits.yaml), with exact decimals. Keys are the file's keys. */
export interface CreditTable {
  version: 1;
  currency: string;
  unit: { base_operation?: string; cost_per_credit: Dec };
  price: TablePrice;
  design: TableDesign;
  source?: { file: string; sha256?: string };
  operations: Record<string, TableOperation>;
  modifiers?: Modifier[];
  plans?: PlanSpec[];
}

export interface TablePrice {
  per_credit: Dec;
  pack: { credits: Dec; price: Dec };
  display: string;
  target_margin: Dec;
  basis: Basis;
}

export interface TableDesign {
  ladder: string;
  rounding: Rounding;
  stat: Stat;
  floor: Dec;
  rates: Record<string, Dec>;
  multipliers: Record<string, Dec>;
  max_levels?: number;
  unit_cost?: Dec;
  columns?: Record<string, string>;
  /** The costs file's delimiter when it is not a comma. */
  delimiter?: string;
  /** How the costs file writes numbers, when declared: 0,004 (comma) or 1,250 = 1250 (point). */
  decimal_mark?: DecimalMark;
  /** Parameters derived from the costs, not chosen: a redesign derives them again. */
  auto?: string[];
  /** The model prices a design from tokens used: the catalog, its version, and per-token prices by model. */
  prices?: PricesRecord;
}

/** What `design.prices` records: the catalog, its version, and the per-token prices of each model used, by the name the costs file gives. */
export interface PricesRecord {
  catalog: string;
  version: string;
  models: Record<string, { model?: string; input?: Dec; output?: Dec; cached_input?: Dec }>;
}

export interface TableOperation {
  credits: Dec;
  cost: Dec;
  raw_credits?: Dec;
  multiplier?: Dec;
  margin?: Dec;
  volume?: Dec;
  pinned?: boolean;
  description?: string;
}

/** How a design was made, recorded beside its result so it can be re-derived. */
export interface DesignRecord {
  currency: string;
  design: TableDesign;
  source?: { file: string; sha256?: string };
}

export function tablePrice(price: Design['price']): TablePrice {
  return {
    per_credit: price.perCredit,
    pack: { credits: price.pack.credits, price: price.pack.price },
    display: price.display,
    target_margin: price.targetMargin,
    basis: price.basis,
  };
}

export function tableFromDesign(result: Design, record: DesignRecord, previous?: CreditTable): CreditTable {
  const operations: Record<string, TableOperation> = {};
  for (const op of result.operations) {
    const entry: TableOperation = {
      credits: op.credits,
      cost: recordCost(op.cost),
      raw_credits: recordRaw(op.rawCredits),
      multiplier: op.multiplier,
      margin: recordRatio(op.margin),
    };
    if (op.volume !== undefined) entry.volume = op.volume;
    if (op.pinned) entry.pinned = true;
    const description = previous?.operations[op.operation]?.description;
    if (description !== undefined) entry.description = description;
    operations[op.operation] = entry;
  }
  const table: CreditTable = {
    version: 1,
    currency: record.currency,
    unit: {
      ...(result.unit.base !== undefined && { base_operation: result.unit.base }),
      cost_per_credit: recordCost(result.unit.costPerCredit),
    },
    price: tablePrice(result.price),
    design: record.design,
    ...(record.source && { source: record.source }),
    operations,
  };
  if (previous?.modifiers) table.modifiers = previous.modifiers;
  if (previous?.plans) table.plans = previous.plans;
  return table;
}

/** What a redesign changed, for people reading the output. */
export interface TableChange {
  operation: string;
  before?: Dec;
  after?: Dec;
}

export function creditChanges(before: CreditTable, after: CreditTable): TableChange[] {
  const changes: TableChange[] = [];
  for (const [operation, op] of Object.entries(after.operations)) {
    const old = before.operations[operation];
    if (!old) changes.push({ operation, after: op.credits });
    else if (!old.credits.eq(op.credits)) changes.push({ operation, before: old.credits, after: op.credits });
  }
  for (const [operation, op] of Object.entries(before.operations)) {
    if (!after.operations[operation]) changes.push({ operation, before: op.credits });
  }
  return changes;
}
