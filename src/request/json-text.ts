// JSON parsing that reports line and column of a syntax error, as operators edit these files by hand.

export type JsonResult = { ok: true; value: unknown } | { ok: false; issue: string };

export function parseJsonText(withBom: string): JsonResult {
  // Some Windows editors start a UTF-8 file with a byte-order mark; JSON.parse calls it a token.
  const text = withBom.startsWith('\uFEFF') ? withBom.slice(1) : withBom;
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const offset = errorOffset(text, reason);
    return { ok: false, issue: `malformed JSON at ${locate(text, offset)}: ${cleanReason(reason, text[offset])}` };
  }
}

/** V8 gives no position for "Unexpected token"; there it is the end of the shortest prefix that already fails. */
function errorOffset(text: string, reason: string): number {
  const position = /position (\d+)/.exec(reason);
  if (position) return Number(position[1]);
  if (!failsWithin(text, text.length)) return text.length;
  let low = 1;
  let high = text.length;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (failsWithin(text, middle)) high = middle;
    else low = middle + 1;
  }
  return low - 1;
}

/** Whether the first `length` characters hold an error, as opposed to merely ending too soon. */
function failsWithin(text: string, length: number): boolean {
  try {
    JSON.parse(text.slice(0, length));
    return false;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(reason);
    if (position) return Number(position[1]) < length;
    return !reason.startsWith('Unexpected end');
  }
}

function locate(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  const line = before.length;
  const column = (before[before.length - 1] ?? '').length + 1;
  return `line ${line}, column ${column}`;
}

function cleanReason(reason: string, found: string | undefined): string {
  // V8 quotes the offending character raw (a newline breaks the one-line message) and echoes the whole text.
  if (reason.startsWith('Unexpected token') && found !== undefined) return `Unexpected token ${JSON.stringify(found)}`;
  return reason
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/\s*at position \d+/, '')
    .replace(/\s+in JSON$/, '')
    .trim();
}
