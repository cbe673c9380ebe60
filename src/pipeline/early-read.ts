import type { AuditFlagOptions } from '../options.js';
import type { Progress, Ui } from '../ui.js';
import { RECORD_UP_TO, type UsageOptions, type UsageTotals } from '../io/usage-scan.js';
import { logHasColumn, readUsage, startReading } from '../io/usage.js';
import { warmUsageWorkers } from '../io/usage-warm.js';
import { type UsageWindow, usageOptions, usageWindow } from './usage-window.js';

/** A log's reading started before its command loaded: what the command goes on with. */
export interface EarlyRead {
  path: string;
  window: UsageWindow;
  options: UsageOptions;
  progress: Progress | undefined;
  reading: Promise<UsageTotals>;
}

let started: EarlyRead | undefined;

/**
 * Starts reading the log audit is given, before the command's own modules
 * (the YAML parser, the report) load: its threads then sum the log while the
 * rest of credits starts. Only for a log with a cost column, which needs
 * nothing from the table; any flag the reading would refuse leaves it to the
 * command, which reports it in its own order.
 */
export async function startAuditRead(path: string, flags: AuditFlagOptions, ui: Ui): Promise<void> {
  warmUsageWorkers(path, flags.delimiter);
  if (flags.emitSql !== undefined || flags.db !== undefined) return;
  try {
    const window = usageWindow(flags);
    const progress = ui.progress?.();
    const options = auditReadOptions(flags, window, progress?.update);
    if (!(await logHasColumn(path, options, 'cost'))) return;
    const { reading } = await startReading((begun) => readUsage(path, { ...options, started: begun }));
    started = { path, window, options, progress, reading };
  } catch {
    // The command reads the flags again and says what is wrong with them.
  }
}

/**
 * How the audit reads a log: its reader threads keep calls as read, their
 * customers not looked up, so that only the flagged operations' customers
 * ever are (UsageTotals.customersFor).
 */
export function auditReadOptions(flags: AuditFlagOptions, window: UsageWindow, progress?: UsageOptions['progress']): UsageOptions {
  return { ...usageOptions(flags, window, progress), recordUpTo: RECORD_UP_TO };
}

/** The reading startAuditRead started for `path`, once. */
export function takeEarlyRead(path: string | undefined): EarlyRead | undefined {
  const early = started;
  started = undefined;
  return early !== undefined && early.path === path ? early : undefined;
}
