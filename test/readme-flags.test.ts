import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/options.js';
import { ROOT } from './helpers.js';

/**
 * The README documents every flag of every command, and only flags that
 * exist: the flag tables are checked against the declarations that also
 * make --help, so the two cannot disagree.
 */
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The README sections of a command: from each `### \`credits NAME` (or ####) heading to the next heading. */
function section(name: string): string {
  const starts = [...readme.matchAll(new RegExp(`^#{3,4} \`credits ${name}\\b`, 'gm'))].map((m) => m.index);
  expect(starts.length, `README has a section for credits ${name}`).toBeGreaterThan(0);
  return starts
    .map((start) => {
      const rest = readme.slice(start + 5);
      const end = rest.search(/^#{2,4} /m);
      return end < 0 ? rest : rest.slice(0, end);
    })
    .join('\n');
}

/** Flags named in the first cell of the section's flag table. */
function tableFlags(text: string): Set<string> {
  const rows = text.split('\n').filter((line) => /^\| `-/.test(line));
  return new Set(rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]!)));
}

describe('the README and --help', () => {
  for (const command of COMMANDS) {
    it(`agree on the flags of credits ${command.name}`, () => {
      const declared = new Set(command.options.map((o) => o.name));
      expect(tableFlags(section(command.name))).toEqual(declared);
    });
  }
});
