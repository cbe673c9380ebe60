import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CliError } from '../../src/io/errors.js';
import { PLAIN_STYLE, type Ui } from '../../src/ui.js';
import { FIXTURES, tempDir } from '../helpers.js';

/**
 * A defect inside reading a table (a TypeError, say) is a bug: it must reach
 * the entry point as itself, which reports it with exit 70, never be turned
 * into an input error (exit 2) that tells the user to fix a file.
 */
vi.mock('../../src/io/table.js', () => ({
  loadTable: async () => {
    throw new TypeError("Cannot read properties of undefined (reading 'per_credit')");
  },
  // Not reached before the failure; present so the modules that import them load.
  renderTable: () => '',
  parseTable: () => undefined,
  sha256: () => '',
  dottedPath: (path: unknown[]) => path.join('.'),
}));

const ui: Ui = { json: false, style: PLAIN_STYLE, errStyle: PLAIN_STYLE, out: () => undefined, err: () => undefined, warn: () => undefined };
let cwd: string;
const home = process.cwd();
beforeEach(() => {
  cwd = tempDir();
  process.chdir(cwd);
  copyFileSync(join(FIXTURES, 'image-api.csv'), join(cwd, 'costs.csv'));
  writeFileSync(join(cwd, 'credits.yaml'), 'version: 1\n');
});
afterEach(() => process.chdir(home));

describe('a bug while loading a table', () => {
  it('is not an input error in design', async () => {
    const { designCommand } = await import('../../src/commands/design.js');
    const failure = await designCommand({ costs: 'costs.csv', out: 'credits.yaml', failOn: 'none' }, ui).catch((error: unknown) => error);
    expect(failure).toEqual(new TypeError("Cannot read properties of undefined (reading 'per_credit')"));
    expect(failure).not.toBeInstanceOf(CliError);
  });

  it('is not swallowed by the wizard', async () => {
    const { planWizard } = await import('../../src/commands/wizard.js');
    const prompts = { input: vi.fn(), select: vi.fn(), checkbox: vi.fn(), confirm: vi.fn() };
    await expect(planWizard({ costs: 'costs.csv' }, prompts as never, ui)).rejects.toThrow(new TypeError("Cannot read properties of undefined (reading 'per_credit')"));
    expect(prompts.select).not.toHaveBeenCalled();
  });

});
