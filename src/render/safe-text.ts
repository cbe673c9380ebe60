/**
 * Text from users' files shown in a terminal: control characters (newlines,
 * ANSI escapes) are shown escaped, so a name cannot rewrite the screen.
 */
export function safeText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
