export interface GeneratedTotals {
  [operation: string]: { calls: number; credits: number; costMicros: bigint; customers: Record<string, bigint> };
}
export const OPERATIONS: { operation: string; credits: number; weight: number; micros: [number, number] }[];
export const WHALE: string;
export function generateUsage(options: { rows: number; seed?: number; now?: number; write: (text: string) => void; whaleShare?: number; customers?: number }): GeneratedTotals;
export function mulberry32(seed: number): () => number;
export function lines(write: (text: string) => void): { add(line: string): void; end(): void };
