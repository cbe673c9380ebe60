import { isDec } from '../core/decimal.js';

/**
 * JSON with exact decimals written as JSON numbers (0.0002, not "0.0002" and
 * not through a float). Keys keep their order; undefined values are left out.
 */
export function toJson(value: unknown, indent = '  ', depth = 0): string {
  return new JsonWriter(indent).text(value, depth);
}

/** toJson for many values of one document: indentation and quoted keys are made once for all of them. */
export class JsonWriter {
  private readonly pad: Padding;
  constructor(indent = '  ') {
    this.pad = new Padding(indent);
  }
  text(value: unknown, depth = 0): string {
    const out: string[] = [];
    write(value, out, this.pad, depth);
    return out.join('');
  }
}

/**
 * A value already written as JSON by toJson at the depth it is put at: a
 * document of 50,000 customers writes each as it goes, so that their
 * objects never all live at once.
 */
export class JsonText {
  constructor(readonly text: string) {}
}

/** What one document reuses: indentation made once per depth, and each key quoted once (keys repeat in every element of a long array). */
class Padding {
  private readonly pads: string[] = [];
  private readonly keys = new Map<string, string>();
  constructor(private readonly indent: string) {}
  at(depth: number): string {
    return (this.pads[depth] ??= `\n${this.indent.repeat(depth)}`);
  }
  key(key: string): string {
    let text = this.keys.get(key);
    if (text === undefined) this.keys.set(key, (text = `${JSON.stringify(key)}: `));
    return text;
  }
}

/**
 * Into one array of pieces, joined at the end: documents of 50,000 customers
 * are written with this. Below the top, a value's pieces are joined as soon
 * as it is written, so the array holds a string per customer, not dozens.
 */
function write(value: unknown, out: string[], pad: Padding, depth: number): void {
  if (depth === 0 || value === null || typeof value !== 'object' || isDec(value) || value instanceof JsonText) return writeValue(value, out, pad, depth);
  const mark = out.length;
  writeValue(value, out, pad, depth);
  if (out.length - mark > 1) out.push(out.splice(mark).join(''));
}

function writeValue(value: unknown, out: string[], pad: Padding, depth: number): void {
  if (value === null || typeof value !== 'object') {
    out.push(typeof value === 'number' && Number.isFinite(value) ? String(value) : (JSON.stringify(value) ?? 'null'));
    return;
  }
  if (isDec(value)) {
    out.push(value.toFixed());
    return;
  }
  if (value instanceof JsonText) {
    out.push(value.text);
    return;
  }
  const inner = pad.at(depth + 1);
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push('[]');
      return;
    }
    for (let i = 0; i < value.length; i++) {
      out.push(i === 0 ? `[${inner}` : `,${inner}`);
      write(value[i], out, pad, depth + 1);
    }
    out.push(`${pad.at(depth)}]`);
    return;
  }
  let first = true;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    out.push(first ? `{${inner}` : `,${inner}`, pad.key(key));
    first = false;
    write(v, out, pad, depth + 1);
  }
  out.push(first ? '{}' : `${pad.at(depth)}}`);
}
