// "Did you mean": the known word closest to a mistyped one, for messages
// that name what the user probably meant (a subcommand, an --inject key).

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** The first of words within `max` edits of word, if any. */
export function nearest(word: string, words: readonly string[], max = 2): string | undefined {
  return words.find((w) => editDistance(w, word) <= max);
}
