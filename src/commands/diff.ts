import type { ReportFormat } from '../core/choices.js';
import type { DiffFlagOptions } from '../options.js';
import { EXIT } from '../exit-codes.js';
import { existsSync } from 'node:fs';
import { Dec } from '../core/decimal.js';
import { type CustomerCalls, type PlanTerms, customerImpact, diffTables, risesOver } from '../core/diff.js';
import { parseInstant } from '../core/time.js';
import { emitReport, writeOutput } from '../io/output.js';
import { customerPlans } from '../io/customer-plans.js';
import { CliError } from '../io/errors.js';
import { parseRevision, readRevision } from '../io/git.js';
import { STDIN } from '../io/source.js';
import { type LoadedTable, loadTable, parseTable } from '../io/table.js';
import { readUsage } from '../io/usage.js';
import type { CreditTable } from '../core/table.js';
import { type DiffReport, diffVerdict, renderDiffGithub, renderDiffJson, renderDiffMarkdown, renderDiffText, renderNotice } from '../render/diff.js';
import type { Ui } from '../ui.js';
import { plansOf } from '../io/table-sections.js';
import { type UsageWindow, fixedBound, sqlColumns, usageOptions, usageWindow } from '../pipeline/usage-window.js';

export type DiffOptions = DiffFlagOptions & { old: string; new?: string };

/** A table named on the command line: a file, or REV:path read through git when no such file exists. */
async function loadTableArg(spec: string): Promise<{ loaded: LoadedTable; file: string }> {
  const revision = existsSync(spec) ? undefined : parseRevision(spec);
  if (!revision) return { loaded: await loadTable(spec), file: spec };
  return { loaded: parseTable(await readRevision(revision)), file: revision.path };
}

/** Calls by customer and operation in the window, from a log file or a database. */
interface WindowCalls {
  source: string;
  rows: number;
  skipped: number;
  /** Without a customer column, all calls are one customer. */
  hasCustomers: boolean;
  calls: { customer: string; operation: string; calls: number }[];
}

async function callsOf(options: DiffOptions, window: UsageWindow, table: CreditTable, ui: Ui): Promise<WindowCalls> {
  const progress = options.usage !== undefined ? ui.progress?.() : undefined;
  const read = usageOptions(options, window, progress?.update);
  if (options.db !== undefined) {
    const { callsPostgres, relationSource } = await import('../io/postgres.js');
    const since = fixedBound(window.since, window);
    const until = fixedBound(window.until, window);
    const { calls, hasCustomers } = await callsPostgres(options.db, {
      dialect: 'postgres',
      relation: options.relation,
      columns: sqlColumns(read.columns),
      table,
      ...(since && { since }),
      ...(until && { until }),
    });
    return { source: relationSource(options.db, options.relation), rows: calls.reduce((n, c) => n + c.calls, 0), skipped: 0, hasCustomers, calls };
  }
  // Bills need calls, not costs: a log without a cost column is fine here.
  const totals = await readUsage(options.usage!, { ...read, costOptional: true });
  progress?.done();
  const calls = [...totals.operations.values()].flatMap((op) =>
    totals.hasCustomers ? [...op.customers.values()].map((c) => ({ customer: c.customer, operation: op.operation, calls: c.calls })) : [{ customer: '(all calls)', operation: op.operation, calls: op.calls }],
  );
  return { source: totals.file, rows: totals.rows, skipped: totals.skipped, hasCustomers: totals.hasCustomers, calls };
}

/** Each customer's calls by operation, with the plan they are mapped to. */
function byCustomer(calls: WindowCalls['calls'], plans: ReadonlyMap<string, string> | undefined): CustomerCalls[] {
  const customers = new Map<string, Map<string, number>>();
  for (const { customer, operation, calls: n } of calls) {
    const byOperation = customers.get(customer) ?? new Map<string, number>();
    byOperation.set(operation, (byOperation.get(operation) ?? 0) + n);
    customers.set(customer, byOperation);
  }
  return [...customers].map(([customer, counts]) => {
    const plan = plans?.get(customer);
    return { customer, calls: counts, ...(plan !== undefined && { plan }) };
  });
}

function ratioFlag(text: string, flag: string): Dec {
  const value = new Dec(text);
  if (value.lte(0)) throw new CliError(`${flag} must be greater than 0, got ${text}`);
  return value;
}

export async function diffCommand(options: DiffOptions, ui: Ui, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const format: ReportFormat = options.format ?? (ui.json ? 'json' : 'text');
  const threshold = ratioFlag(options.threshold, '--threshold');
  const maxStep = ratioFlag(options.maxStep, '--max-step');
  if (options.baseRef !== undefined && options.new !== undefined) throw new CliError('--base-ref takes the one table it compares with its committed self; give OLD NEW, or NEW --base-ref REV');
  const [oldSpec, newSpec] = options.baseRef !== undefined ? [`${options.baseRef}:${options.old}`, options.old] : [options.old, options.new];
  if (newSpec === undefined) throw new CliError("missing the new table: give OLD NEW (files or REV:path), or NEW --base-ref REV");
  const effective = options.effective !== undefined ? parseInstant(options.effective) : undefined;
  if (effective !== undefined && Number.isNaN(effective)) throw new CliError(`--effective takes an ISO 8601 date such as 2026-12-01, got "${options.effective}"`);
  const reasons = new Map(
    (options.reason ?? []).map((r) => {
      const at = r.indexOf('=');
      return [r.slice(0, at).trim(), r.slice(at + 1).trim()] as const;
    }),
  );
  const window = usageWindow(options);
  if (options.db !== undefined && !/^postgres(ql)?:\/\//i.test(options.db)) {
    throw new CliError(`--db: only postgres:// (or postgresql://) URLs are supported, got "${options.db.split(':')[0]}:…"`);
  }
  if (options.db !== undefined && options.usage !== undefined) throw new CliError('--usage reads a log file and --db a database; choose one');
  const withUsage = options.usage !== undefined || options.db !== undefined;
  if (!withUsage && (options.customerPlans !== undefined || options.since !== undefined || options.until !== undefined)) {
    throw new CliError('--customer-plans, --since and --until describe the usage; give --usage FILE or --db URL');
  }
  if (options.notice === STDIN && format !== 'text') throw new CliError(`--notice - prints the notice on stdout, where the ${format} report goes; write it to a file`);

  const [before, after] = [await loadTableArg(oldSpec), await loadTableArg(newSpec)];
  const [oldTable, newTable] = [before.loaded.table, after.loaded.table];
  for (const name of reasons.keys()) {
    if (!newTable.operations[name] && !oldTable.operations[name]) throw new CliError(`--reason ${name}: not an operation of either table`);
  }
  const plansBefore: PlanTerms[] = plansOf(before.loaded);
  const plansAfter: PlanTerms[] = plansOf(after.loaded);
  const tables = diffTables(oldTable, newTable, { threshold, maxStep, plansBefore, plansAfter });

  const report: DiffReport = {
    old: oldSpec,
    new: newSpec,
    newFile: after.file,
    currency: newTable.currency,
    threshold,
    maxStep,
    top: options.top,
    tables,
    failed: false,
    lineOf: (operation) => after.loaded.lineOf(['operations', operation]),
  };
  if (withUsage) {
    const usage = await callsOf(options, window, newTable, ui);
    const mapping = options.customerPlans === undefined ? undefined : await customerPlans(options.customerPlans, new Set([...plansBefore, ...plansAfter].map((p) => p.name)), 'in neither table');
    for (const [customer, plan] of mapping ?? []) {
      const missing = !plansBefore.some((p) => p.name === plan) ? oldSpec : !plansAfter.some((p) => p.name === plan) ? newSpec : undefined;
      if (missing) throw new CliError(`${options.customerPlans}: customer ${customer} is on plan ${plan}, which ${missing} does not have`);
    }
    const customers = byCustomer(usage.calls, mapping);
    const unmapped = mapping ? customers.filter((c) => c.plan === undefined).length : 0;
    const notes = [
      ...(usage.hasCustomers ? [] : ['the log has no customer column, so all calls are billed as one customer']),
      ...(unmapped > 0 ? [`${unmapped} customer${unmapped === 1 ? ' is' : 's are'} not in ${options.customerPlans}: billed pay as you go`] : []),
    ];
    report.usage = { file: usage.source, rows: usage.rows, skipped: usage.skipped, window: window.text, plans: mapping !== undefined, ...(notes.length > 0 && { note: notes.join('; ') }) };
    report.impact = customerImpact(customers, oldTable, newTable, {
      threshold,
      plansBefore: new Map(plansBefore.map((p) => [p.name, p])),
      plansAfter: new Map(plansAfter.map((p) => [p.name, p])),
    });
  }
  report.failed = report.impact
    ? report.impact.overThreshold > 0
    : tables.operations.some((o) => o.steps !== undefined) || risesOver(tables.price.before, tables.price.after, threshold);

  await emitReport(
    format,
    {
      text: () => renderDiffText(report, ui.style),
      json: () => renderDiffJson(report),
      markdown: () => renderDiffMarkdown(report),
      github: () => renderDiffGithub(report),
      verdict: () => diffVerdict(report),
    },
    ui,
    env,
  );
  if (options.notice !== undefined) {
    const notice = renderNotice(report, { ...(effective !== undefined && { effective: new Date(effective) }), reasons });
    await writeOutput(options.notice, options.notice === STDIN ? `\n${notice}` : notice, ui);
  }
  return report.failed ? EXIT.FINDINGS : EXIT.OK;
}
