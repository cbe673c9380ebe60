/**
 * Escaping for every output format that user-controlled text (operation
 * names, file paths) can reach.
 */

const ZERO_WIDTH_SPACE = '\u200b';

/**
 * Text that lands in a pull request (a comment, a step summary, an annotation)
 * must not ping a team (@org/team) or link an issue (#123, owner/repo#123).
 * A zero-width space after the sign breaks the reference and reads the same.
 */
function unreferenced(text: string, space: string): string {
  return text.replace(/([@#])(?=[\w-])/g, `$1${space}`);
}

/** GitHub workflow command data: %, CR and LF are encoded. */
export function githubData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** GitHub workflow command properties: also : and , which separate properties. */
export function githubProperty(text: string): string {
  return githubData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** An annotation's message: encoded as data, with mentions and references broken. */
export function githubMessage(text: string): string {
  return unreferenced(githubData(text), ZERO_WIDTH_SPACE);
}

/** An annotation's title: encoded as a property, with mentions and references broken. */
export function githubTitle(text: string): string {
  return unreferenced(githubProperty(text), ZERO_WIDTH_SPACE);
}

/** Text in a Markdown table cell: no pipes, no line breaks, no markup, no HTML, no @mentions or #references. */
export function markdownCell(text: string): string {
  return unreferenced(
    text
      .replace(/\r\n|\r|\n/g, ' ')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`),
    '&#8203;',
  );
}

/** Text in HTML content or attributes. */
export function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
