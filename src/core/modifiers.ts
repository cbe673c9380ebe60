import { Dec, ONE } from './decimal.js';
import { marginOf } from './price.js';

export type Modifier =
  | { name: string; kind: 'time'; hours_utc: [number, number]; factor: Dec }
  | { name: string; kind: 'load'; above: Dec; factor: Dec }
  | { name: string; kind: 'commitment'; tiers: { min_monthly_credits: Dec; factor: Dec }[] };

/** One factor of the worst stack, with where it comes from. */
export interface StackPart {
  modifier: string;
  /** Index in the table's modifiers list, for its line. */
  index: number;
  kind: Modifier['kind'];
  factor: Dec;
}

/** The factors of a modifier: one, or one per commitment tier. */
function factorsOf(m: Modifier): Dec[] {
  return m.kind === 'commitment' ? m.tiers.map((t) => t.factor) : [m.factor];
}

/**
 * The deepest discount that can apply at once: modifiers of different kinds
 * stack (an off-peak call by a committed customer), those of one kind do not,
 * so the worst case takes the smallest factor of each kind, where it is
 * below 1 (a surcharge that need not apply is left out).
 */
export function worstStack(modifiers: readonly Modifier[]): { factor: Dec; parts: StackPart[] } {
  const parts: StackPart[] = [];
  for (const kind of ['time', 'load', 'commitment'] as const) {
    let worst: StackPart | undefined;
    modifiers.forEach((m, index) => {
      if (m.kind !== kind) return;
      for (const factor of factorsOf(m)) if (!worst || factor.lt(worst.factor)) worst = { modifier: m.name, index, kind, factor };
    });
    if (worst && worst.factor.lt(ONE)) parts.push(worst);
  }
  return { factor: parts.reduce((f, p) => f.times(p.factor), ONE), parts };
}

/** What a call is made under: when, at what platform load (0 to 1), for a customer committed to how many credits a month. */
export interface CallContext {
  at?: Date;
  load?: number;
  monthlyCommitment?: number;
}

/** A factor that applies to a call, and the modifier it comes from. */
export interface AppliedFactor {
  modifier: string;
  kind: Modifier['kind'];
  factor: Dec;
}

/** Whether UTC hour `hour` is in the window [start, end], both hours whole; a window with start > end wraps midnight ([22, 4]). */
export function inHours([start, end]: readonly [number, number], hour: number): boolean {
  return start <= end ? start <= hour && hour <= end : hour >= start || hour <= end;
}

/**
 * The factors that apply to a call, one per kind at most (kinds stack, one
 * kind does not): a time modifier when the call's UTC hour h has
 * start ≤ h ≤ end ([2, 6] is 02:00:00 to 06:59:59); a load modifier when
 * load > above; a commitment tier when the monthly commitment ≥ its
 * min_monthly_credits, the highest such tier winning. Within a kind, the
 * first modifier in the table that applies is used. `check`'s worst stack
 * (the smallest factor of each kind) is never deeper than this.
 */
export function applicableFactors(modifiers: readonly Modifier[], context: CallContext): AppliedFactor[] {
  const applied: AppliedFactor[] = [];
  const hour = context.at?.getUTCHours();
  const time = hour === undefined ? undefined : modifiers.find((m) => m.kind === 'time' && inHours(m.hours_utc, hour));
  if (time?.kind === 'time') applied.push({ modifier: time.name, kind: 'time', factor: time.factor });
  const load = context.load;
  const busy = load === undefined ? undefined : modifiers.find((m) => m.kind === 'load' && m.above.lt(load));
  if (busy?.kind === 'load') applied.push({ modifier: busy.name, kind: 'load', factor: busy.factor });
  const committed = context.monthlyCommitment;
  if (committed !== undefined) {
    for (const m of modifiers) {
      if (m.kind !== 'commitment') continue;
      const tier = m.tiers.filter((t) => t.min_monthly_credits.lte(committed)).reduce<(typeof m.tiers)[number] | undefined>((best, t) => (!best || t.min_monthly_credits.gt(best.min_monthly_credits) ? t : best), undefined);
      if (tier) {
        applied.push({ modifier: m.name, kind: 'commitment', factor: tier.factor });
        break;
      }
    }
  }
  return applied;
}

/** "off_peak 0.7 × commitment 0.6": the factors of a stack, named. */
export function describeStack(stack: { parts: readonly StackPart[] }): string {
  return stack.parts.map((p) => `${p.modifier} ${p.factor.toFixed()}`).join(' × ');
}

/** Effective credits = floor(credits × product of factors). */
export function effectiveCredits(credits: Dec, factor: Dec): Dec {
  return credits.times(factor).floor();
}

export interface WorstCase {
  credits: Dec;
  /** Undefined when the stack makes the operation free. */
  margin?: Dec;
}

export function worstCase(cost: Dec, credits: Dec, perCredit: Dec, factor: Dec): WorstCase {
  const effective = effectiveCredits(credits, factor);
  return effective.isZero() ? { credits: effective } : { credits: effective, margin: marginOf(cost, effective, perCredit) };
}
