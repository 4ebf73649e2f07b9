/**
 * Control characters that have no place in a prompt: C0 (NUL, ESC…) except tab, line feed and
 * carriage return, DEL, and C1 (which some terminals also read as escape sequences). A prompt is
 * stored, listed and printed back (the CLI summary, the server's log, someone's terminal), so a
 * prompt carrying them is refused rather than silently cleaned: what is kept is what was sent.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;

/** The first control character in `text` with its index, or undefined when there is none. */
export function findControlCharacter(text: string): { index: number; codePoint: string } | undefined {
  const m = CONTROL.exec(text);
  return m ? { index: m.index, codePoint: `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` } : undefined;
}

/** Why `text` is not a plain-text prompt (for an error message), or undefined when it is. */
export function describeControlCharacter(text: string): string | undefined {
  const found = findControlCharacter(text);
  return found ? `contains a control character (${found.codePoint}, character ${found.index + 1}); send plain text` : undefined;
}
