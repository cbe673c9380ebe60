import { describe, expect, it } from 'vitest';
import { Dec } from '../../src/core/decimal.js';
import { DesignError } from '../../src/core/errors.js';
import { ladderFrom, roundToLadder, type Rounding } from '../../src/core/ladder.js';

const round = (x: string | number, ladder = 'friendly', rounding: Rounding = 'nearest') =>
  roundToLadder(new Dec(x), ladderFrom(ladder), rounding, 'op').toFixed();

describe('ladders', () => {
  it('friendly is 1, 2, 5, then 1, 2.5, 5 per decade', () => {
    const steps = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
    for (const s of steps) expect(round(s)).toBe(String(s));
    expect(round(20, 'friendly', 'up')).toBe('25');
    expect(round(20, 'friendly', 'down')).toBe('10');
  });

  it('names the next step above any value, and none past a custom list', () => {
    const walk = (ladder: string, n: number) => {
      const l = ladderFrom(ladder);
      const steps = [l.smallest];
      while (steps.length < n) steps.push(l.next(steps.at(-1)!)!);
      return steps.map((s) => s.toFixed());
    };
    expect(walk('friendly', 10)).toEqual(['1', '2', '5', '10', '25', '50', '100', '250', '500', '1000']);
    expect(walk('integer', 4)).toEqual(['1', '2', '3', '4']);
    expect(ladderFrom('friendly').next(new Dec('2.5'))!.toFixed()).toBe('5');
    expect(ladderFrom('integer').next(new Dec('0.5'))!.toFixed()).toBe('1');
    expect(ladderFrom('1,3,10').next(new Dec(3))!.toFixed()).toBe('10');
    expect(ladderFrom('1,3,10').next(new Dec(10))).toBeUndefined();
  });

  it('1-2-5, 1-5 and integer have their own steps', () => {
    expect(round(15, '1-2-5', 'up')).toBe('20');
    expect(round(150, '1-2-5', 'down')).toBe('100');
    expect(round(3, '1-5', 'up')).toBe('5');
    expect(round(30, '1-5', 'up')).toBe('50');
    expect(round(30, '1-5', 'down')).toBe('10');
    expect(round(7.4, 'integer')).toBe('7');
    expect(round(7.5, 'integer')).toBe('8'); // √(7·8) ≈ 7.483
    expect(round(7.48, 'integer')).toBe('7');
  });

  it('rounds the worked example to 1, 5, 100, 250, 2500', () => {
    expect([1, 4, 112.5, 240, 2500].map((x) => round(x))).toEqual(['1', '5', '100', '250', '2500']);
  });

  it('nearest is nearest by ratio: the boundary is √(lo·hi), and a tie goes up', () => {
    // Between 1 and 4 the boundary is exactly √4 = 2.
    expect(round(2, '1,4')).toBe('4');
    expect(round('1.9999999999', '1,4')).toBe('1');
    // Between 2 and 5 the boundary is √10 ≈ 3.16228.
    expect(round('3.1622', 'friendly')).toBe('2');
    expect(round('3.1623', 'friendly')).toBe('5');
  });

  it('a value under the smallest step becomes the smallest step, whatever the rounding', () => {
    expect(round('0.0001')).toBe('1');
    expect(round('0.3', 'friendly', 'down')).toBe('1');
    expect(round(2, '5,10,20', 'down')).toBe('5');
  });

  it('a custom ladder is sorted and deduplicated, and overflowing it names the operation', () => {
    expect(ladderFrom('30, 1,10,3,10').name).toBe('1,3,10,30');
    expect(() => roundToLadder(new Dec(31), ladderFrom('1,3,10,30'), 'up', 'video_processing')).toThrow(
      /video_processing needs 31 credits, above the largest step of ladder 1,3,10,30/,
    );
    expect(round(30, '1,3,10,30')).toBe('30');
  });

  it('rejects a ladder that is neither named nor a list of positive numbers', () => {
    expect(() => ladderFrom('fibonacci')).toThrow(DesignError);
    expect(() => ladderFrom('1,0,5')).toThrow(/positive numbers \("0"\)/);
    expect(() => ladderFrom('1,,5')).toThrow(DesignError);
  });
});
