import { isDec } from '../core/decimal.js';

/**
 * JSON with exact decimals written as JSON numbers (0.0002, not "0.0002" and
 * not through a float). Keys keep their order; undefined values are left out.
 */
export function toJson(value: unknown, indent = '  ', depth = 0): string {
  if (value === null || typeof value !== 'object') return typeof value === 'number' && Number.isFinite(value) ? String(value) : (JSON.stringify(value) ?? 'null');
  if (isDec(value)) return value.toFixed();
  const pad = indent.repeat(depth + 1);
  const close = indent.repeat(depth);
  // Plain loops into one array per level: documents of 50,000 customers are written with this.
  const parts: string[] = [];
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    for (let i = 0; i < value.length; i++) parts.push(pad + toJson(value[i], indent, depth + 1));
    return `[\n${parts.join(',\n')}\n${close}]`;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) parts.push(`${pad}${JSON.stringify(key)}: ${toJson(v, indent, depth + 1)}`);
  }
  return parts.length === 0 ? '{}' : `{\n${parts.join(',\n')}\n${close}}`;
}
