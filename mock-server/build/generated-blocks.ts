/** Generated blocks in hand-written files, between a start and an end marker. */

export function generatedBlock(text: string, start: string, end: string): string | undefined {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  return from < 0 || to < from ? undefined : text.slice(from, to + end.length);
}

export function replaceBlock(text: string, start: string, end: string, block: string): string {
  const current = generatedBlock(text, start, end);
  if (current === undefined) throw new Error(`no block between ${start} and ${end} to replace`);
  return text.replace(current, () => block);
}
