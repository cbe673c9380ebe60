import { isDec } from '../core/decimal.js';

/**
 * JSON with exact decimals written as JSON numbers (0.0002, not "0.0002" and
 * not through a float). Keys keep their order; undefined values are left out.
 */
export function toJson(value: unknown, indent = '  ', depth = 0): string {
  if (isDec(value)) return value.toFixed();
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const pad = indent.repeat(depth + 1);
  const close = indent.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => pad + toJson(v, indent, depth + 1)).join(',\n')}\n${close}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${pad}${JSON.stringify(k)}: ${toJson(v, indent, depth + 1)}`).join(',\n')}\n${close}}`;
}
