// How a given value is shown in operator messages: the value and its JSON type.

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `${truncate(JSON.stringify(value))} (array)`;
  return `${truncate(JSON.stringify(value))} (${typeof value})`;
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
