import { appendFile } from 'node:fs/promises';
import type { ReportFormat } from '../core/choices.js';
import type { Ui } from '../ui.js';
import { writeFileAtomic } from './atomic.js';
import { STDIN } from './source.js';

/** A document: text, or pieces of text or UTF-8 bytes that join to it (made as they are asked for, or as other threads finish them). */
export type Document = string | Iterable<string> | AsyncIterable<string | Uint8Array>;

/**
 * Puts a command's document where the user asked: on stdout for "-" (or no
 * path), else in the file, atomically, saying so on stderr.
 */
export async function writeOutput(path: string | undefined, text: Document, ui: Pick<Ui, 'err'>): Promise<void> {
  if (path === undefined || path === STDIN) {
    // A document in pieces is written a piece at a time, as each is made, never joined into one string.
    if (typeof text === 'string') process.stdout.write(text);
    else if (Symbol.asyncIterator in text) for await (const piece of text) process.stdout.write(piece);
    else for (const piece of text) process.stdout.write(piece);
    return;
  }
  await writeFileAtomic(path, text);
  ui.err(`Wrote ${path}`);
}

/** Appends a markdown report to the GitHub Actions step summary, when the run has one; a failure to is a warning, not an error. */
export async function appendStepSummary(markdown: string, ui: Pick<Ui, 'warn'>, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const summary = env['GITHUB_STEP_SUMMARY'];
  if (!summary) return;
  // A blank line after, so what the next step appends starts a paragraph of its own.
  await appendFile(summary, `${markdown.trimEnd()}\n\n`).catch((error: Error) => ui.warn(`could not append to GITHUB_STEP_SUMMARY: ${error.message}`));
}

/** The renderings of one report, for emitReport: a pure function per format. */
export interface ReportRenderings {
  text(): string;
  json(): string;
  markdown(): string;
  /** GitHub annotations, one a line (may be empty). */
  github(): string;
  /** The one-line verdict that ends the annotations. */
  verdict(): string;
}

/**
 * Prints a report in the format asked for: annotations then the verdict for
 * github; for markdown, also appended to the step summary of a GitHub run.
 */
export async function emitReport(format: ReportFormat, report: ReportRenderings, ui: Pick<Ui, 'out' | 'warn'>, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  switch (format) {
    case 'json':
      ui.out(report.json());
      break;
    case 'github': {
      const annotations = report.github();
      if (annotations) ui.out(annotations);
      ui.out(report.verdict());
      break;
    }
    case 'markdown': {
      const markdown = report.markdown();
      ui.out(markdown);
      await appendStepSummary(markdown, ui, env);
      break;
    }
    case 'text':
      ui.out(report.text());
      break;
  }
}
