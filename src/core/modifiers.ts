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
