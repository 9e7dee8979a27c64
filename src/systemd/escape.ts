// Unit naming: instance names escaped exactly as `systemd-escape` does, so the operator can
// compute a unit's name by hand.

/** Escapes a string for use as a unit instance name (systemd-escape without --path). */
export function systemdEscape(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const char = value.charAt(i);
    if (char === '/') out += '-';
    else if ((char === '.' && i === 0) || !/[A-Za-z0-9:_.]/.test(char)) out += hexEscape(char);
    else out += char;
  }
  return out;
}

function hexEscape(char: string): string {
  return [...Buffer.from(char, 'utf8')].map((byte) => `\\x${byte.toString(16).padStart(2, '0')}`).join('');
}

/** Reverses systemdEscape. */
export function systemdUnescape(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const char = value.charAt(i);
    const hex = /^\\x([0-9a-fA-F]{2})/.exec(value.slice(i));
    if (hex?.[1]) {
      bytes.push(parseInt(hex[1], 16));
      i += 3;
    } else if (char === '-') bytes.push(0x2f);
    else bytes.push(...Buffer.from(char, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** `<prefix>@<escaped database>.service`, the unit of one project. */
export function projectUnitName(prefix: string, database: string): string {
  return `${prefix}@${systemdEscape(database)}.service`;
}
