import type { AuditSqlOptions, TokenColumns, WindowBound } from '../core/sql.js';
import type { PricesRecord } from '../core/table.js';
import { parseInstant } from '../core/time.js';
import { CliError } from '../io/errors.js';
import { USAGE_ROLES, type UsageOptions, type UsageRole } from '../io/usage-scan.js';
import { decimalMarkOf } from './decimal-mark.js';

/** The flags every command that reads a usage log shares: the window, the columns, how numbers are written. */
export interface UsageFlags {
  since?: string;
  until?: string;
  now?: string;
  column?: string[];
  delimiter?: string;
  decimalComma?: boolean;
  decimalPoint?: boolean;
}

const HOUR = 3_600_000;

/** "7d", "24h", or an ISO 8601 date or date-time (UTC unless it has an offset). */
function parseBound(text: string, flag: string): WindowBound {
  const relative = /^(\d+)([dh])$/.exec(text.trim());
  if (relative) return { back: Number(relative[1]), unit: relative[2] === 'd' ? 'day' : 'hour' };
  const at = parseInstant(text);
  if (Number.isNaN(at)) {
    throw new CliError(`${flag} takes 7d, 24h or an ISO 8601 date such as 2026-11-01 or 2026-11-01T12:00:00Z (UTC without an offset), got "${text}"`);
  }
  return { at: new Date(at) };
}

function instant(bound: WindowBound, now: number): number {
  return 'at' in bound ? bound.at.getTime() : now - bound.back * (bound.unit === 'day' ? 24 : 1) * HOUR;
}

/** A window of time, as the flags gave it and as instants from one clock. */
export interface UsageWindow {
  since?: WindowBound;
  until?: WindowBound;
  /** --now, when given: relative bounds are then fixed instants. */
  now?: number;
  /** Epoch milliseconds: since inclusive, until exclusive. */
  sinceAt?: number;
  untilAt?: number;
  /** ISO text of each bound, for reports. */
  text: { since?: string; until?: string };
}

/** The window of --since, --until and --now; an empty (inverted) window is exit 2. */
export function usageWindow(flags: Pick<UsageFlags, 'since' | 'until' | 'now'>): UsageWindow {
  const now = flags.now !== undefined ? parseInstant(flags.now) : undefined;
  if (now !== undefined && Number.isNaN(now)) throw new CliError(`--now takes an ISO 8601 date-time (UTC without an offset), got "${flags.now}"`);
  const since = flags.since !== undefined ? parseBound(flags.since, '--since') : undefined;
  const until = flags.until !== undefined ? parseBound(flags.until, '--until') : undefined;
  const clock = now ?? Date.now();
  const window: UsageWindow = { text: {} };
  if (now !== undefined) window.now = now;
  if (since) {
    window.since = since;
    window.sinceAt = instant(since, clock);
    window.text.since = new Date(window.sinceAt).toISOString();
  }
  if (until) {
    window.until = until;
    window.untilAt = instant(until, clock);
    window.text.until = new Date(window.untilAt).toISOString();
  }
  if (window.sinceAt !== undefined && window.untilAt !== undefined && window.sinceAt >= window.untilAt) {
    throw new CliError(`the window is empty: --since ${flags.since} (${window.text.since}) is not before --until ${flags.until} (${window.text.until})`);
  }
  return window;
}

/** A bound as a fixed instant when "now" is fixed, so a report (or its SQL) is reproducible. */
export function fixedBound(bound: WindowBound | undefined, window: UsageWindow): WindowBound | undefined {
  return bound && window.now !== undefined ? { at: new Date(instant(bound, window.now)) } : bound;
}

function columnsOf(pairs: readonly string[] | undefined): Partial<Record<UsageRole, string>> {
  const columns: Partial<Record<UsageRole, string>> = {};
  for (const pair of pairs ?? []) {
    const at = pair.indexOf('=');
    const role = pair.slice(0, at).trim();
    if (!(USAGE_ROLES as readonly string[]).includes(role)) throw new CliError(`--column ${pair}: the role must be one of ${USAGE_ROLES.join(', ')}`);
    columns[role as UsageRole] = pair.slice(at + 1).trim();
  }
  return columns;
}

/** How to read a log, from the shared flags. */
export function usageOptions(flags: UsageFlags, window: UsageWindow, progress?: UsageOptions['progress']): UsageOptions {
  const decimalMark = decimalMarkOf(flags);
  return {
    columns: columnsOf(flags.column),
    ...(flags.delimiter !== undefined && { delimiter: flags.delimiter }),
    ...(decimalMark !== undefined && { decimalMark }),
    ...(window.sinceAt !== undefined && { since: window.sinceAt }),
    ...(window.untilAt !== undefined && { until: window.untilAt }),
    ...(progress && { progress }),
  };
}

/** The columns an SQL query over the logs reads: the --column mappings, else the log's default names. */
export function sqlColumns(columns: UsageOptions['columns']): AuditSqlOptions['columns'] {
  return {
    operation: columns.operation ?? 'operation',
    cost: columns.cost ?? 'actual_cost',
    timestamp: columns.timestamp ?? 'timestamp',
    ...(columns.credits !== undefined && { credits: columns.credits }),
    ...(columns.customer !== undefined && { customer: columns.customer }),
  };
}

/**
 * For a table priced from tokens, the columns an SQL query prices each call
 * by, unless --column cost=NAME names a cost column: the model, and each kind
 * of token that is mapped or that some recorded model has a price for.
 */
export function sqlTokens(columns: UsageOptions['columns'], prices: PricesRecord | undefined): TokenColumns | undefined {
  if (prices === undefined || columns.cost !== undefined) return undefined;
  const models = Object.values(prices.models);
  const kind = (role: 'input_tokens' | 'output_tokens' | 'cached_input_tokens', price: 'input' | 'output' | 'cached_input') =>
    columns[role] ?? (models.some((m) => m[price] !== undefined) ? role : undefined);
  const [input, output, cached] = [kind('input_tokens', 'input'), kind('output_tokens', 'output'), kind('cached_input_tokens', 'cached_input')];
  return {
    model: columns.model ?? 'model',
    ...(input !== undefined && { input_tokens: input }),
    ...(output !== undefined && { output_tokens: output }),
    ...(cached !== undefined && { cached_input_tokens: cached }),
    prices: prices.models,
  };
}
