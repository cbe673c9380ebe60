import { Dec, ONE } from '../core/decimal.js';
import { type AppliedFactor, type CallContext, type Modifier, inHours } from '../core/modifiers.js';
import type { CreditTable, TableSnapshot } from '../core/table.js';

/** An operation the table does not price: never charged 0 credits by mistake. */
export class UnknownOperationError extends Error {
  override readonly name = 'UnknownOperationError';
  constructor(readonly operation: string) {
    super(`"${operation}" is not an operation of the credit table`);
  }
}

/** A call context that cannot be: a load under 0, a date that is not one, a negative commitment. */
export class InvalidContextError extends RangeError {
  override readonly name = 'InvalidContextError';
}

export interface Charge {
  operation: string;
  /** Credits charged, after the modifiers that apply. */
  credits: number;
  base_credits: number;
  /** Names of the modifiers applied. */
  applied: string[];
  /** The price of one credit, as exact decimal text. */
  price: string;
  /** credits × price, as exact decimal text. */
  amount: string;
}

/** The `meta` block of an API response, as in the method's example. */
export interface Meta {
  credits_consumed: number;
  credits_remaining: number;
  credits_reset_at: string;
}

export interface Meter {
  /** The operations the table prices. */
  readonly operations: readonly string[];
  /** The credits a call costs: the table's, or floor(credits × the factors that apply). */
  credits(operation: string, context?: CallContext): number;
  charge(operation: string, context?: CallContext): Charge;
  meta(usage: { consumed: number; remaining: number; resetAt: Date }): Meta;
}

interface Entry {
  base: number;
  /** Credits for each combination of time × load × commitment choice (0: none applies). */
  effective: Float64Array;
}

function checkContext(context: CallContext): void {
  if (context.at !== undefined && !(context.at instanceof Date && Number.isFinite(context.at.getTime()))) throw new InvalidContextError(`at must be a valid Date, got ${String(context.at)}`);
  if (context.load !== undefined && !(Number.isFinite(context.load) && context.load >= 0)) throw new InvalidContextError(`load must be a number ≥ 0, got ${String(context.load)}`);
  if (context.monthlyCommitment !== undefined && !(Number.isFinite(context.monthlyCommitment) && context.monthlyCommitment >= 0)) {
    throw new InvalidContextError(`monthlyCommitment must be a number ≥ 0, got ${String(context.monthlyCommitment)}`);
  }
}

/**
 * Charges exactly what the committed table says, with the modifiers'
 * semantics of `applicableFactors` in core/modifiers.ts (what `credits check`
 * reasons about; a property test holds the two together). Everything decimal is done here, once: each operation's credits
 * under every combination of the factors that can apply are computed
 * exactly, so a call costs a map lookup and a few comparisons, no decimal
 * arithmetic (`charge` multiplies the price when it needs the amount).
 */
export function createMeter(table: CreditTable | TableSnapshot): Meter {
  const modifiers: readonly Modifier[] = table.modifiers ?? [];
  const times = modifiers.filter((m): m is Extract<Modifier, { kind: 'time' }> => m.kind === 'time');
  const loads = modifiers.filter((m): m is Extract<Modifier, { kind: 'load' }> => m.kind === 'load');
  const commitments = modifiers.filter((m): m is Extract<Modifier, { kind: 'commitment' }> => m.kind === 'commitment');
  // One choice per kind, as applicableFactors makes it; index 0 is "none applies".
  const timeChoices: (AppliedFactor | undefined)[] = [undefined, ...times.map((m) => ({ modifier: m.name, kind: m.kind, factor: m.factor }))];
  const loadChoices: (AppliedFactor | undefined)[] = [undefined, ...loads.map((m) => ({ modifier: m.name, kind: m.kind, factor: m.factor }))];
  const tiers = commitments.map((m) => [...m.tiers].sort((a, b) => b.min_monthly_credits.comparedTo(a.min_monthly_credits)));
  const commitmentChoices: (AppliedFactor | undefined)[] = [undefined, ...commitments.flatMap((m, i) => tiers[i]!.map((t) => ({ modifier: m.name, kind: m.kind, factor: t.factor })))];
  // The first time modifier covering each UTC hour (its choice, 1-based; 0 for none), by the rule of applicableFactors.
  const byHour = Int32Array.from({ length: 24 }, (_, hour) => times.findIndex((m) => inHours(m.hours_utc, hour)) + 1);
  const loadAbove = loads.map((m) => m.above.toNumber());
  const tierMins = tiers.map((list) => list.map((t) => t.min_monthly_credits.toNumber()));
  const tierStart = tiers.map((_, i) => 1 + tiers.slice(0, i).reduce((n, list) => n + list.length, 0));
  const [nl, nc] = [loadChoices.length, commitmentChoices.length];
  const combos = timeChoices.length * nl * nc;

  const entries = new Map<string, Entry>();
  for (const [operation, op] of Object.entries(table.operations)) {
    const effective = new Float64Array(combos);
    for (let t = 0; t < timeChoices.length; t++) {
      for (let l = 0; l < nl; l++) {
        for (let c = 0; c < nc; c++) {
          const factors = [timeChoices[t], loadChoices[l], commitmentChoices[c]].filter((f) => f !== undefined);
          const credits = factors.length === 0 ? op.credits : op.credits.times(factors.reduce((p, f) => p.times(f.factor), ONE)).floor();
          effective[(t * nl + l) * nc + c] = credits.toNumber();
        }
      }
    }
    entries.set(operation, { base: op.credits.toNumber(), effective });
  }
  const price = table.price.per_credit;

  const combo = (context: CallContext): number => {
    checkContext(context);
    const t = context.at === undefined ? 0 : byHour[context.at.getUTCHours()]!;
    let l = 0;
    if (context.load !== undefined) {
      for (let i = 0; i < loadAbove.length; i++) {
        if (context.load > loadAbove[i]!) {
          l = i + 1;
          break;
        }
      }
    }
    let c = 0;
    const committed = context.monthlyCommitment;
    if (committed !== undefined) {
      for (let i = 0; i < tierMins.length && c === 0; i++) {
        const mins = tierMins[i]!;
        for (let j = 0; j < mins.length; j++) {
          if (committed >= mins[j]!) {
            c = tierStart[i]! + j;
            break;
          }
        }
      }
    }
    return (t * nl + l) * nc + c;
  };
  const entryOf = (operation: string): Entry => {
    const entry = entries.get(operation);
    if (entry === undefined) throw new UnknownOperationError(operation);
    return entry;
  };

  return {
    operations: [...entries.keys()],
    credits(operation, context) {
      const entry = entryOf(operation);
      return context === undefined ? entry.base : entry.effective[combo(context)]!;
    },
    charge(operation, context = {}) {
      const entry = entryOf(operation);
      const index = combo(context);
      const t = Math.floor(index / (nl * nc));
      const l = Math.floor(index / nc) % nl;
      const c = index % nc;
      const credits = entry.effective[index]!;
      const applied = [timeChoices[t], loadChoices[l], commitmentChoices[c]].flatMap((f) => (f ? [f.modifier] : []));
      return { operation, credits, base_credits: entry.base, applied, price: price.toFixed(), amount: new Dec(credits).times(price).toFixed() };
    },
    meta({ consumed, remaining, resetAt }) {
      return { credits_consumed: consumed, credits_remaining: remaining, credits_reset_at: resetAt.toISOString() };
    },
  };
}
