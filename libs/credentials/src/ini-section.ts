/**
 * Sets keys of one section of an AWS config or credentials file, keeping every other section, key, comment and
 * blank line as it was. Keys of the section that are not set here stay; a missing section is appended. The
 * same call twice gives the same text (idempotent).
 */
export function upsertIniSection(text: string, section: string, entries: [string, string][]): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text === '' ? [] : text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const header = (line: string) => /^\s*\[([^\]]*)\]\s*(?:[#;].*)?$/.exec(line)?.[1].trim();
  const start = lines.findIndex((line) => header(line) === section);
  const rendered = entries.map(([key, value]) => `${key} = ${value}`);
  if (start < 0) {
    const gap = lines.length > 0 && lines[lines.length - 1].trim() !== '' ? [''] : [];
    return [...lines, ...gap, `[${section}]`, ...rendered, ''].join(eol);
  }
  let end = lines.findIndex((line, i) => i > start && header(line) !== undefined);
  if (end < 0) end = lines.length;
  const body = lines.slice(start + 1, end);
  const pending = new Map(entries);
  const keyOf = (line: string) => /^\s*([^=#;\s][^=]*?)\s*=/.exec(line)?.[1].toLowerCase();
  const kept = body.map((line) => {
    const key = keyOf(line);
    if (key === undefined || !pending.has(key)) return line;
    const value = pending.get(key)!;
    pending.delete(key);
    return `${key} = ${value}`;
  });
  // New keys go after the section's last key, before trailing blank lines and comments of the next section.
  let insertAt = kept.length;
  while (insertAt > 0 && kept[insertAt - 1].trim() === '') insertAt--;
  const added = [...pending].map(([key, value]) => `${key} = ${value}`);
  const merged = [...kept.slice(0, insertAt), ...added, ...kept.slice(insertAt)];
  return [...lines.slice(0, start + 1), ...merged, ...lines.slice(end), ''].join(eol);
}
