// How completion finds names from what was typed, fish-style: by the first rule that finds any —
// the start of the name, the start ignoring case, anywhere in the name, then its letters in order
// (`otes` → `notes.md`, `gdm` → `guide.md`). Later rules only run when earlier ones found nothing.

export type MatchRule = 'prefix' | 'prefix-nocase' | 'substring' | 'subsequence'

export function matchNames<T>(items: readonly T[], typed: string, name: (item: T) => string): { rule: MatchRule; items: T[] } {
  const prefix = items.filter(i => name(i).startsWith(typed))
  if (prefix.length || !typed) return { rule: 'prefix', items: prefix }
  const lower = typed.toLowerCase()
  const rules: [MatchRule, (n: string) => boolean][] = [
    ['prefix-nocase', n => n.startsWith(lower)],
    ['substring', n => n.includes(lower)],
    ['subsequence', n => isSubsequence(lower, n)],
  ]
  for (const [rule, test] of rules) {
    const found = items.filter(i => test(name(i).toLowerCase()))
    if (found.length) return { rule, items: found }
  }
  return { rule: 'subsequence', items: [] }
}

/** Whether the characters of `typed` appear in `name` in the same order. */
export function isSubsequence(typed: string, name: string): boolean {
  let k = 0
  for (let i = 0; i < name.length && k < typed.length; i++) if (name[i] === typed[k]) k++
  return k === typed.length
}
