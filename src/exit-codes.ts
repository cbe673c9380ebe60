/** Every exit code `credits` uses, by what it means. Scripts and CI rely on these. */
export const EXIT = {
  /** Success: the command did its work and found nothing wrong. */
  OK: 0,
  /** The check, audit or diff found problems (at or above --fail-on, or over --threshold). */
  FINDINGS: 1,
  /** Usage or input error: a bad flag or file; nothing was written. */
  INPUT: 2,
  /** A defect in credits itself: reported with a stack to be filed as a bug. */
  INTERNAL: 70,
  /** Cancelled at a prompt (Ctrl+C), as shells report SIGINT. */
  CANCELLED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
