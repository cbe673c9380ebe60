/**
 * Every default of `credits`, in one place: the method's (SPEC §1), the files
 * it reads and writes, and the thresholds of its checks. Flags, the wizard,
 * the help text and the README all take them from here.
 */
export const DEFAULTS = {
  /** The credit table read and written when none is named. */
  table: 'credits.yaml',
  report: 'report.html',
  stat: 'mean',
  ladder: 'friendly',
  rounding: 'nearest',
  margin: '0.7',
  floor: '0.5',
  currency: 'USD',
  /** Largest monthly credit increase of a correction or step schedule. */
  maxStep: '0.2',
  /** A bill or credit rise over this fails `credits diff`. */
  threshold: '0.2',
  relation: 'operation_logs',
  auditTop: 5,
  diffTop: 10,
} as const;
