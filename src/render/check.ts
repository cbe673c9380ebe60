import { type Dec, isDec } from '../core/decimal.js';
import type { Finding, Severity } from '../core/check.js';
import type { Style } from '../ui.js';
import { safeText } from './format.js';
import { githubMessage, githubProperty, githubTitle, markdownCell } from './escape.js';
import { toJson } from './json.js';
import { textTable } from './table.js';

/** One versioned result that every format renders. */
export interface CheckReport {
  table: string;
  costs: string;
  failOn: Severity;
  findings: LocatedFinding[];
  failed: boolean;
}

export interface LocatedFinding extends Finding {
  line?: number;
}

/** 2: snake_case keys (schema_version, fail_on, key_path). */
const CHECK_SCHEMA_VERSION = 2;

function value(v: Dec | string | undefined): string {
  return v === undefined ? '' : isDec(v) ? v.toFixed() : v;
}

function counts(findings: readonly Finding[]): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}

export function verdict(report: CheckReport): string {
  if (report.findings.length === 0) return `✓ ${report.table} matches ${report.costs}: no findings`;
  return `${report.failed ? '✗' : '✓'} ${counts(report.findings)} (failing on ${report.failOn}${report.failOn === 'error' ? 's' : 's and errors'})`;
}

export function renderCheckText(report: CheckReport, style: Style): string {
  if (report.findings.length === 0) return style.green(verdict(report));
  const rows = report.findings.map((f) => [
    f.severity === 'error' ? style.red('error') : style.yellow('warning'),
    f.code,
    safeText(f.operation ?? ''),
    f.line === undefined ? '' : String(f.line),
    f.committed !== undefined || f.expected !== undefined ? `${value(f.committed)} → ${value(f.expected)}` : '',
    safeText(f.message),
  ]);
  const table = textTable(['severity', 'finding', 'operation', 'line', 'committed → expected', 'what to do'], rows, [3], { wrap: 5 });
  const line = verdict(report);
  return `${table}\n${report.failed ? style.red(line) : style.yellow(line)}`;
}

export function renderCheckJson(report: CheckReport): string {
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  return toJson({
    schema_version: CHECK_SCHEMA_VERSION,
    table: report.table,
    costs: report.costs,
    fail_on: report.failOn,
    passed: !report.failed,
    summary: { errors, warnings: report.findings.length - errors },
    findings: report.findings.map((f) => ({
      code: f.code,
      severity: f.severity,
      operation: f.operation ?? null,
      file: f.file ?? report.table,
      line: f.line ?? null,
      key_path: f.path.join('.'),
      message: f.message,
      committed: f.committed ?? null,
      expected: f.expected ?? null,
    })),
  });
}

/** GitHub Actions annotations, one per finding, pointing at the table's line. */
export function renderCheckGithub(report: CheckReport): string {
  return report.findings
    .map((f) => {
      const properties = [`file=${githubProperty(f.file ?? report.table)}`];
      if (f.line !== undefined) properties.push(`line=${f.line}`);
      properties.push(`title=${githubTitle(`credits ${f.code}${f.operation ? ` (${f.operation})` : ''}`)}`);
      return `::${f.severity} ${properties.join(',')}::${githubMessage(f.message)}`;
    })
    .join('\n');
}

export function renderCheckMarkdown(report: CheckReport): string {
  const lines = [`### credits check: ${markdownCell(verdict(report))}`, ''];
  if (report.findings.length > 0) {
    lines.push('| | finding | operation | line | committed → expected | what to do |', '|---|---|---|---|---|---|');
    for (const f of report.findings) {
      const at = f.line === undefined ? (f.file === undefined ? '' : markdownCell(f.file)) : `${markdownCell(f.file ?? report.table)}:${f.line}`;
      const change = f.committed !== undefined || f.expected !== undefined ? `${value(f.committed)} → ${value(f.expected)}` : '';
      lines.push(
        `| ${f.severity === 'error' ? '❌' : '⚠️'} | \`${f.code}\` | ${markdownCell(f.operation ?? '')} | ${at} | ${markdownCell(change)} | ${markdownCell(f.message)} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
