/** A count with its noun: "1 file", "2 files" ("info" stays as it is: "3 info"). */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 || word === 'info' ? '' : 's'}`;
}
