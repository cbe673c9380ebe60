export const HISTORY: {
  start: number;
  days: number;
  versions: number[];
  perCredit: string;
  operations: { operation: string; credits: number[]; cost: string; mix: number; elasticity: number }[];
};
export function generateHistory(options: { seed?: number; customers?: number; elasticities?: number[]; visit: (customer: number, day: number, op: number, calls: number) => void }): number;
export function tableText(version: number): string;
export function writeHistory(options: { seed?: number; customers?: number; elasticities?: number[]; write: (text: string) => void }): number;
