// The known name nearest to a mistyped one ("did you mean `touch`?"), by edit distance with
// transpositions (`lnog` is one step from `long`).

/** Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`; past `max` it stops counting. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1
  let prev2: number[] = []
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    let best = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1)
      row.push(d)
      if (d < best) best = d
    }
    if (best > max) return max + 1
    prev2 = prev
    prev = row
  }
  return prev[b.length]!
}

/** The nearest of `names` to `typed`: at most 2 edits, and fewer than half its length (`ab` is
 *  no typo of `cd`); the first listed wins a tie. */
export function nearName(typed: string, names: Iterable<string>): string | undefined {
  const max = Math.min(2, Math.ceil(typed.length / 2) - 1)
  if (max < 1) return undefined
  let best: string | undefined
  let bestD = max + 1
  for (const n of names) {
    if (n === typed) continue
    const d = editDistance(typed, n, bestD - 1)
    if (d < bestD) { best = n; bestD = d }
  }
  return best
}
