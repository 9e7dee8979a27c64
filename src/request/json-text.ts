// JSON parsing that reports line and column of a syntax error, as operators edit these files by hand,
// and refuses nesting deeper than MAX_JSON_DEPTH before parsing (deep values overflow the stack of
// every recursive step after JSON.parse).

/** Objects and arrays nested deeper than this are refused; a request is 2 levels deep. */
export const MAX_JSON_DEPTH = 32;

/**
 * `incomplete`: the text is a valid beginning of JSON that ends too soon (empty, or cut off), as a
 * file still being written is.
 */
export type JsonResult = { ok: true; value: unknown } | { ok: false; issue: string; incomplete: boolean };

export function parseJsonText(withBom: string, maxDepth: number = MAX_JSON_DEPTH): JsonResult {
  // Some Windows editors start a UTF-8 file with a byte-order mark; JSON.parse calls it a token.
  const text = withBom.startsWith('\uFEFF') ? withBom.slice(1) : withBom;
  const tooDeep = depthExceededAt(text, maxDepth);
  if (tooDeep !== undefined) {
    return {
      ok: false,
      incomplete: false,
      issue: `JSON nested deeper than the limit of ${maxDepth} levels (at ${locate(text, tooDeep)}); a request is an object of plain values and one list`,
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const offset = errorOffset(text, reason);
    return {
      ok: false,
      incomplete: !failsWithin(text, text.length),
      issue: `malformed JSON at ${locate(text, offset)}: ${cleanReason(reason, text[offset])}`,
    };
  }
}

/** The offset of the first `{` or `[` nested deeper than `maxDepth`, outside strings; one pass, no recursion. */
function depthExceededAt(text: string, maxDepth: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c /* backslash */) i += 1;
      else if (char === 0x22 /* " */) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b /* { */ || char === 0x5b /* [ */) {
      depth += 1;
      if (depth > maxDepth) return i;
    } else if (char === 0x7d /* } */ || char === 0x5d /* ] */) depth -= 1;
  }
  return undefined;
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
