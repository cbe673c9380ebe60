import { resolve } from 'node:path';
import type { OptimizeFlagOptions } from '../options.js';
import { EXIT } from '../exit-codes.js';
import { type Dec, Dec as D, ZERO } from '../core/decimal.js';
import { type Estimate, estimateElasticities } from '../core/elasticity.js';
import { DesignError } from '../core/errors.js';
import { ladderFrom } from '../core/ladder.js';
import { type OptimizeOperation, expectedCalls, optimize, schedule } from '../core/optimize.js';
import { marginOf } from '../core/price.js';
import type { CreditTable } from '../core/table.js';
import { parseInstant } from '../core/time.js';
import { writeFileAtomic } from '../io/atomic.js';
import { CliError } from '../io/errors.js';
import { fileCommits, readRevision } from '../io/git.js';
import { type LoadedTable, loadTable, parseTable, renderTable } from '../io/table.js';
import { readLedger } from '../io/usage.js';
import { usageOptions } from '../pipeline/usage-window.js';
import { type OptimizeReport, type OptimizedOperation, renderOptimizeJson, renderOptimizeText } from '../render/optimize.js';
import type { Ui } from '../ui.js';

export type OptimizeOptions = OptimizeFlagOptions;

/** One table of the history, and when it came into force. */
interface Version {
  from: number;
  label: string;
  table: CreditTable;
}

const DAY = 86_400_000;

/** The tables in force over time: --history git (the table's commits), DATE=FILE pairs, or none (the current table throughout). */
async function history(specs: readonly string[], tablePath: string, current: CreditTable): Promise<{ versions: Version[]; note?: string }> {
  if (specs.length === 0) return { versions: [{ from: -Infinity, label: 'the current table', table: current }], note: 'no --history: the current table is taken to have been in force throughout' };
  if (specs.includes('git')) {
    if (specs.length > 1) throw new CliError('--history git reads the history from git; leave out the DATE=FILE pairs, or give only those');
    const commits = await fileCommits(tablePath);
    if (commits.length === 0) return { versions: [{ from: -Infinity, label: 'the current table', table: current }], note: `git has no commit of ${tablePath}: no history` };
    const versions: Version[] = [];
    for (const commit of commits) {
      const loaded = parseTable(await readRevision({ rev: commit.hash, path: tablePath }));
      versions.push({ from: commit.at, label: commit.hash.slice(0, 8), table: loaded.table });
    }
    return { versions };
  }
  const versions: Version[] = [];
  for (const spec of specs) {
    const at = spec.indexOf('=');
    if (at <= 0) throw new CliError(`--history takes git or DATE=FILE, got "${spec}"`);
    const [date, file] = [spec.slice(0, at).trim(), spec.slice(at + 1).trim()];
    const from = parseInstant(date);
    if (Number.isNaN(from)) throw new CliError(`--history ${spec}: "${date}" is not an ISO 8601 date (UTC without an offset)`);
    versions.push({ from, label: `${date} ${file}`, table: (await loadTable(file)).table });
  }
  versions.sort((a, b) => a.from - b.from);
  for (let i = 1; i < versions.length; i++) {
    if (versions[i]!.from === versions[i - 1]!.from) throw new CliError(`--history: ${versions[i - 1]!.label} and ${versions[i]!.label} take effect at the same moment`);
  }
  return { versions };
}

/** A dollar figure from expected calls: credits × price × calls, exact for the whole number of calls. */
const revenueOf = (credits: Dec, perCredit: Dec, calls: number) => credits.times(perCredit).times(Math.round(calls));
const profitOf = (credits: Dec, cost: Dec, perCredit: Dec, calls: number) => credits.times(perCredit).minus(cost).times(Math.round(calls));

/**
 * Credit values from measured price elasticity: each price change in the
 * table's history is a natural experiment, each operation's elasticity is
 * estimated against the operations whose price did not change, and the
 * credits that maximise profit (or revenue) are found exactly over the
 * ladder, every margin above the floor. A proposal is written only with -o,
 * never over the committed table.
 */
export async function optimizeCommand(options: OptimizeOptions, ui: Ui): Promise<number> {
  if (options.usage === undefined) throw new CliError('credits optimize needs --usage LOG: the calls whose response to price is measured');
  if (options.out !== undefined && resolve(options.out) === resolve(options.table)) {
    throw new CliError(`-o ${options.out} is the committed table: write the proposal to another file, and compare with credits diff ${options.table} ${options.out}`);
  }
  const loaded: LoadedTable = await loadTable(options.table);
  const { table } = loaded;
  const { versions, note } = await history(options.history ?? [], options.table, table);
  const operations = Object.keys(table.operations);
  const known = new Set([...versions.flatMap((v) => Object.keys(v.table.operations)), ...operations]);
  const zero = Array.from({ length: 24 }, () => '0');
  const ledger = await readLedger(options.usage, {
    ...usageOptions(options, { text: {} }),
    ledger: { hourly: Object.fromEntries([...known].map((o) => [o, zero])), boundaries: versions.map((v) => v.from), activeDays: true },
  });
  if (ledger.latest === undefined) throw new CliError(`${ledger.file}: no calls while a table of the history was in force; nothing to measure`);

  const assumed = new Map<string, number>();
  for (const pair of options.assume ?? []) {
    const at = pair.lastIndexOf('=');
    const [operation, elasticity] = [pair.slice(0, at).trim(), Number(pair.slice(at + 1))];
    if (!table.operations[operation]) throw new CliError(`--assume ${pair}: ${options.table} has no operation ${operation}`);
    assumed.set(operation, elasticity);
  }

  const panel = ledger.panel(versions.length, operations);
  const prices = versions.map((v) => operations.map((o) => (v.table.operations[o] ? v.table.operations[o].credits.times(v.table.price.per_credit).toNumber() : Number.NaN)));
  const estimates = estimateElasticities({ operations, prices, customers: panel.customers.length, calls: panel.calls, activeDays: panel.activeDays });

  // Calls a month now: those under the current table (the last version), over the days they span.
  const last = versions.length - 1;
  const since = Math.max(versions[last]!.from, ledger.earliest ?? ledger.latest);
  const days = Math.max(1, (ledger.latest - since) / DAY);
  const monthly = operations.map((_, o) => {
    let calls = 0;
    for (let c = 0; c < panel.customers.length; c++) calls += panel.calls[(c * versions.length + last) * operations.length + o]!;
    return (calls * 30) / days;
  });

  const perCredit = table.price.per_credit;
  const inputs: OptimizeOperation[] = operations.map((operation, o) => {
    const op = table.operations[operation]!;
    const elasticity = assumed.get(operation) ?? estimates[o]!.elasticity;
    return { operation, credits: op.credits, cost: op.cost, calls: monthly[o]!, ...(elasticity !== undefined && { elasticity }), ...(op.pinned && { pinned: true }) };
  });
  const maxStep = new D(options.maxStep);
  let proposed: Dec[];
  try {
    proposed = optimize(inputs, {
      objective: options.objective,
      perCredit,
      floor: table.design.floor,
      ladder: ladderFrom(table.design.ladder),
      maxChange: new D(options.maxChange),
      ...(options.maxLevels !== undefined && { maxLevels: options.maxLevels }),
    });
  } catch (error) {
    if (error instanceof DesignError) throw new CliError(error.message);
    throw error;
  }

  const rows: OptimizedOperation[] = inputs.map((op, o) => {
    const estimate: Estimate = estimates[o]!;
    const to = proposed[o]!;
    const range = (elasticity: number | undefined) => (elasticity === undefined ? undefined : expectedCalls(op, to, elasticity));
    const [expected, low, high] = [range(op.elasticity), range(estimate.low), range(estimate.high)];
    const now = Math.round(op.calls);
    const change = (calls: number | undefined, what: 'revenue' | 'profit') =>
      calls === undefined
        ? undefined
        : what === 'revenue'
          ? revenueOf(to, perCredit, calls).minus(revenueOf(op.credits, perCredit, now))
          : profitOf(to, op.cost, perCredit, calls).minus(profitOf(op.credits, op.cost, perCredit, now));
    const calls = expected ?? op.calls;
    const changes = [change(low, 'revenue'), change(high, 'revenue')].filter((c): c is Dec => c !== undefined);
    const profits = [change(low, 'profit'), change(high, 'profit')].filter((c): c is Dec => c !== undefined);
    return {
      operation: op.operation,
      estimate,
      ...(assumed.has(op.operation) && { assumed: assumed.get(op.operation)! }),
      ...(op.pinned && { pinned: true }),
      current: op.credits,
      proposed: to,
      callsNow: now,
      expectedCalls: Math.round(calls),
      revenueChange: change(calls, 'revenue') ?? ZERO,
      profitChange: change(calls, 'profit') ?? ZERO,
      ...(changes.length === 2 && !assumed.has(op.operation) && { revenueRange: [D.min(...changes), D.max(...changes)] as [Dec, Dec], profitRange: [D.min(...profits), D.max(...profits)] as [Dec, Dec] }),
      marginNow: marginOf(op.cost, op.credits, perCredit),
      marginProposed: marginOf(op.cost, to, perCredit),
      schedule: schedule(op.credits, to, maxStep),
    };
  });
  const report: OptimizeReport = {
    table: options.table,
    usage: ledger.file,
    objective: options.objective,
    perCredit,
    currency: table.currency,
    floor: table.design.floor,
    maxStep,
    versions: versions.map((v) => ({ from: Number.isFinite(v.from) ? new Date(v.from).toISOString() : null, label: v.label })),
    ...(note !== undefined && { note }),
    operations: rows,
    days,
  };
  ui.out(ui.json ? renderOptimizeJson(report) : renderOptimizeText(report, ui.style));

  if (options.out !== undefined) {
    const proposal: CreditTable = { ...table };
    proposal.operations = Object.fromEntries(
      Object.entries(table.operations).map(([name, op], i) => {
        const credits = proposed[i]!;
        if (credits.eq(op.credits)) return [name, op];
        // Chosen, not derived from costs: pinned, so credits check does not call them hand edits.
        return [name, { ...op, credits, margin: marginOf(op.cost, credits, perCredit).toDecimalPlaces(4), pinned: true }];
      }),
    );
    await writeFileAtomic(options.out, renderTable(proposal, options.out, loaded));
    ui.err(`Wrote the proposal to ${options.out}; see what it does to each customer with credits diff ${options.table} ${options.out} --usage ${options.usage}`);
  }
  return EXIT.OK;
}
