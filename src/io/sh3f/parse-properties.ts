/**
 * Parses a Java `.properties` file (the format of Sweet Home 3D's catalogue descriptions) into a
 * map: `#`/`!` comments, `key=value`, `key: value` and `key value`, logical lines continued by an
 * odd number of trailing backslashes (the continuation's leading blanks dropped), and the escapes
 * `\uXXXX`, `\t`, `\n`, `\r`, `\f` and `\<char>`. Pass bytes to decode them as ISO-8859-1, the
 * encoding Java's loader assumes (non-Latin text is written with `\u` escapes). Later keys win.
 */
export function parseProperties(input: string | Uint8Array): Map<string, string> {
  const text = typeof input === 'string' ? input : new TextDecoder('latin1').decode(input);
  const out = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].replace(/^[ \t\f]+/, '');
    if (line === '' || line[0] === '#' || line[0] === '!') continue;
    while (endsWithContinuation(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i].replace(/^[ \t\f]+/, '');
    }
    if (endsWithContinuation(line)) line = line.slice(0, -1);
    const split = keyEnd(line);
    const key = unescape(line.slice(0, split));
    let rest = line.slice(split).replace(/^[ \t\f]*/, '');
    if (rest[0] === '=' || rest[0] === ':') rest = rest.slice(1).replace(/^[ \t\f]*/, '');
    out.set(key, unescape(rest));
  }
  return out;
}

function endsWithContinuation(line: string): boolean {
  let n = 0;
  for (let k = line.length - 1; k >= 0 && line[k] === '\\'; k--) n++;
  return n % 2 === 1;
}

/** Index where the key ends: the first unescaped `=`, `:` or blank. */
function keyEnd(line: string): number {
  for (let k = 0; k < line.length; k++) {
    const c = line[k];
    if (c === '\\') k++;
    else if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') return k;
  }
  return line.length;
}

const SIMPLE: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let k = 0; k < s.length; k++) {
    const c = s[k];
    if (c !== '\\' || k + 1 >= s.length) {
      out += c;
      continue;
    }
    const e = s[++k];
    if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(k + 1, k + 5))) {
      out += String.fromCharCode(parseInt(s.slice(k + 1, k + 5), 16));
      k += 4;
    } else out += SIMPLE[e] ?? e;
  }
  return out;
}
