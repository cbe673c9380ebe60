/**
 * The closed sets of choices the method and its outputs know, with no
 * dependencies, so the command line can offer them without loading the core.
 */

/** How samples of one operation are aggregated (SPEC §2). */
export const STATS = ['mean', 'p50', 'p90', 'p95', 'p99', 'max'] as const;
export type Stat = (typeof STATS)[number];

export const ROUNDINGS = ['nearest', 'up', 'down'] as const;
export type Rounding = (typeof ROUNDINGS)[number];

export const NAMED_LADDERS = ['friendly', '1-2-5', '1-5', 'integer'] as const;

/** Price from the costliest credit, or the volume-weighted blend (SPEC §1.5). */
export const BASES = ['worst', 'blended'] as const;
export type Basis = (typeof BASES)[number];

export const SEVERITIES = ['error', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const DIALECTS = ['postgres', 'bigquery', 'snowflake', 'duckdb', 'sqlite'] as const;
export type Dialect = (typeof DIALECTS)[number];

/** Output formats: every report renders text, JSON, a pull-request comment and GitHub annotations. */
export const REPORT_FORMATS = ['text', 'json', 'markdown', 'github'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const DOCS_FORMATS = ['markdown', 'html'] as const;
export type DocsFormat = (typeof DOCS_FORMATS)[number];

/** Where `credits export` writes a table: billing platforms, and runtime snapshots for an API. */
export const EXPORT_TARGETS = ['autumn', 'openmeter', 'stripe', 'lago', 'json', 'typescript'] as const;
export type ExportTarget = (typeof EXPORT_TARGETS)[number];

/** Formats of `credits usage`: the terminal, a document, a pull-request comment, a page. */
export const USAGE_FORMATS = ['text', 'json', 'markdown', 'html'] as const;
export type UsageFormat = (typeof USAGE_FORMATS)[number];

/** What `credits optimize` maximises. */
export const OBJECTIVES = ['profit', 'revenue'] as const;
export type Objective = (typeof OBJECTIVES)[number];
