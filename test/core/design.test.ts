import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/core/decimal.js';
import { design } from '../../src/core/design.js';
import { consolidateLevels } from '../../src/core/levels.js';
import { ladderFrom } from '../../src/core/ladder.js';
import { PARAMS, WORKED_EXAMPLE } from './example.js';

const d = (x: string | number) => new Dec(x);

const column = (result: ReturnType<typeof design>, key: 'rawCredits' | 'adjusted' | 'credits' | 'margin') =>
  result.operations.map((o) => o[key].toFixed());

describe('design of the worked example', () => {
  const result = design(WORKED_EXAMPLE, PARAMS);

  it('normalises to the cheapest operation: 1, 4, 75, 200, 2500', () => {
    expect(result.unit).toEqual({ base: 'image_upload', costPerCredit: d('0.0002') });
    expect(column(result, 'rawCredits')).toEqual(['1', '4', '75', '200', '2500']);
  });

  it('applies value multipliers: 112.5 and 240', () => {
    expect(column(result, 'adjusted')).toEqual(['1', '4', '112.5', '240', '2500']);
  });

  it('rounds to 1, 5, 100, 250, 2500', () => {
    expect(column(result, 'credits')).toEqual(['1', '5', '100', '250', '2500']);
  });

  it('prices at $0.001 on basis worst and has margins 0.8, 0.84, 0.85, 0.84, 0.8', () => {
    expect(result.price.basis).toBe('worst');
    expect(result.price.costPerCredit.toFixed()).toBe('0.0002');
    expect(result.price.perCredit.toFixed()).toBe('0.001');
    expect(result.price.display).toBe('$1 per 1,000 credits');
    expect(column(result, 'margin')).toEqual(['0.8', '0.84', '0.85', '0.84', '0.8']);
    expect(result.warnings).toEqual([]);
  });
});

describe('design choices', () => {
  it('uses an explicit base or unit cost', () => {
    const byBase = design(WORKED_EXAMPLE, { ...PARAMS, base: 'basic_resize' });
    expect(byBase.operations[0]!.rawCredits.toFixed()).toBe('0.25');
    expect(byBase.operations[0]!.credits.toFixed()).toBe('1');
    const byUnit = design(WORKED_EXAMPLE, { ...PARAMS, unitCost: d('0.0001') });
    expect(byUnit.unit.base).toBeUndefined();
    expect(column(byUnit, 'rawCredits')).toEqual(['2', '8', '150', '400', '5000']);
  });

  it('rejects an unknown base operation and lists the known ones', () => {
    expect(() => design(WORKED_EXAMPLE, { ...PARAMS, base: 'nope' })).toThrow(
      'base operation "nope" is not an operation of the costs (known: image_upload, basic_resize, ai_analysis, background_removal, video_processing)',
    );
  });

  it('lets a multiplier flag win over the costs file', () => {
    const result = design(WORKED_EXAMPLE, { ...PARAMS, multipliers: { ai_analysis: d(1) } });
    expect(result.operations[2]!.credits.toFixed()).toBe('100');
    expect(result.operations[2]!.multiplier.toFixed()).toBe('1');
    expect(() => design(WORKED_EXAMPLE, { ...PARAMS, multipliers: { ghost: d(2) } })).toThrow(/--multiplier "ghost"/);
  });

  it('keeps pinned credits and prices with them', () => {
    const result = design(WORKED_EXAMPLE, { ...PARAMS, pinned: { video_processing: d(1000) } });
    expect(result.operations[4]!.credits.toFixed()).toBe('1000');
    expect(result.operations[4]!.pinned).toBe(true);
    // K = 0.5 / 1000 = 0.0005 → 0.0005 / 0.3 → 0.002
    expect(result.price.perCredit.toFixed()).toBe('0.002');
  });

  it('defaults to the blended basis when volumes are known', () => {
    const ops = WORKED_EXAMPLE.map((o, i) => ({ ...o, volume: d([1000, 500, 100, 50, 5][i]!) }));
    const result = design(ops, PARAMS);
    expect(result.price.basis).toBe('blended');
    // Σ v·cost = 0.2 + 0.4 + 1.5 + 2 + 2.5 = 6.6; Σ v·credits = 1000 + 2500 + 10000 + 12500 + 12500 = 38500
    expect(result.price.costPerCredit.toSignificantDigits(8).toFixed()).toBe('0.00017142857');
    expect(result.price.perCredit.toFixed()).toBe('0.001');
  });

  it('marks operations under the floor and arbitrage holes (reported as check findings, not warnings)', () => {
    const underFloor = design(WORKED_EXAMPLE, { ...PARAMS, floor: d('0.82') });
    expect(underFloor.operations.filter((o) => o.belowFloor).map((o) => o.operation)).toEqual(['image_upload', 'video_processing']);
    expect(underFloor.warnings).toEqual([]);
    // Pinned at 100 credits, video processing costs $0.50 and earns $0.10.
    const ops = WORKED_EXAMPLE.map((o, i) => ({ ...o, volume: d([1000, 1000, 1000, 1000, 1][i]!) }));
    const hole = design(ops, { ...PARAMS, pinned: { video_processing: d(100) } });
    expect(hole.operations[4]!.margin.toFixed()).toBe('-4');
    expect(hole.operations[4]!.belowFloor).toBe(true);
  });

  it('rejects zero costs and non-positive multipliers', () => {
    expect(() => design([{ operation: 'a', cost: d(0), samples: 1 }], PARAMS)).toThrow(/costs must be greater than 0/);
    expect(() => design(WORKED_EXAMPLE, { ...PARAMS, multipliers: { ai_analysis: d(0) } })).toThrow(/multipliers must be greater than 0/);
  });

  it('warns when there are more than 15 credit levels', () => {
    const ops = Array.from({ length: 16 }, (_, i) => ({ operation: `op${i}`, cost: d(10).pow(i / 2), samples: 1 }));
    const result = design(ops, { ...PARAMS, ladder: 'integer' });
    expect(result.levels).toBe(16);
    expect(result.warnings[0]).toMatch(/16 distinct credit values/);
  });
});

describe('--max-levels', () => {
  it('chooses the levels that minimise Σ weight·|ln(credits / adjusted)|', () => {
    const ladder = ladderFrom('friendly');
    // Two clusters; the best single level for {4, 5, 6} is 5 and for {90, 110} is 100.
    const credits = consolidateLevels([4, 5, 6, 90, 110].map((x) => ({ adjusted: d(x), weight: 1 })), ladder, 2);
    expect(credits.map((c) => c.toFixed())).toEqual(['5', '5', '5', '100', '100']);
  });

  it('lets heavy operations pull the level toward themselves', () => {
    const ladder = ladderFrom('friendly');
    const credits = consolidateLevels(
      [
        { adjusted: d(2), weight: 1 },
        { adjusted: d(10), weight: 100 },
      ],
      ladder,
      1,
    );
    expect(credits.map((c) => c.toFixed())).toEqual(['10', '10']);
  });

  it('reports the margin effect in the design', () => {
    const result = design(WORKED_EXAMPLE, { ...PARAMS, maxLevels: 3 });
    expect(result.levels).toBeLessThanOrEqual(3);
    expect(result.consolidation).toMatchObject({ maxLevels: 3, levelsBefore: 5 });
    expect(result.consolidation!.levelsAfter).toBe(result.levels);
    expect(result.consolidation!.worstMarginBefore.toFixed()).toBe('0.8');
  });

  it('does nothing when there are already few enough levels', () => {
    const result = design(WORKED_EXAMPLE, { ...PARAMS, maxLevels: 5 });
    expect(result.consolidation).toBeUndefined();
    expect(column(result, 'credits')).toEqual(['1', '5', '100', '250', '2500']);
  });
});
