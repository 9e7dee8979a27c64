// The reversible rule that turns point ids into MongoDB field names.
//
// A point id is stored as is when it is a safe field name: not empty, no ".", no NUL, not
// starting with "$", "_" or "~", and not one of the document's own fields (wave_counter, ts).
// Any other id is stored as "~" followed by the id with "%", ".", "$" and NUL percent-encoded
// (%25, %2E, %24, %00). Safe ids never start with "~", so decoding is unambiguous.

const RESERVED = new Set(['wave_counter', 'ts']);

export function isSafeFieldName(pointId: string): boolean {
  return (
    pointId.length > 0 &&
    !RESERVED.has(pointId) &&
    !pointId.includes('.') &&
    !pointId.includes('\0') &&
    !/^[$_~]/.test(pointId)
  );
}

export function encodePointId(pointId: string): string {
  if (isSafeFieldName(pointId)) return pointId;
  return `~${pointId.replace(/[%.$\0]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)}`;
}

export function decodePointId(field: string): string {
  if (!field.startsWith('~')) return field;
  return field.slice(1).replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Memoizes encodePointId: a project has a fixed, small set of point ids read millions of times. */
export function createPointIdEncoder(): (pointId: string) => string {
  const cache = new Map<string, string>();
  return (pointId) => {
    let field = cache.get(pointId);
    if (field === undefined) {
      field = encodePointId(pointId);
      if (cache.size < 100_000) cache.set(pointId, field);
    }
    return field;
  };
}
