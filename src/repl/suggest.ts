// The autosuggestion drawn dimmed after the cursor, fish-style: the newest history line that starts
// with what is typed (one run in this folder first), else what completion would add when it is sure
// of the start. Only the tail (what would be added) is kept; → or End takes it, Alt-→ one word.
import { applyCandidate, complete, type CompletionSource } from './complete.ts'
import type { HistoryNav } from './history-nav.ts'
import { wordEndAfter } from './line-buffer.ts'

export function historyTail(nav: HistoryNav, typed: string, cwd: string): string | undefined {
  const line = nav.suggest(typed, cwd)
  return line === undefined ? undefined : line.slice(typed.length)
}

/** What completing the last word would add: the first candidate that extends the text as typed. */
export async function completionTail(typed: string, src: CompletionSource): Promise<string | undefined> {
  if (!typed.trim() || /\s$/.test(typed) || typed.includes('\n')) return undefined
  // Programs are asked for their flags on Tab only, never by typing.
  const c = await complete(typed, typed.length, { ...src, externalFlags: undefined })
  for (const cand of c.candidates) {
    const { text } = applyCandidate(typed, c, { ...cand, whole: false })
    if (text.length > typed.length && text.startsWith(typed)) return text.slice(typed.length)
  }
  return undefined
}

/** Alt-→: the part of the tail up to the end of its next word (with the spaces before it). */
export function firstWord(tail: string): string {
  return tail.slice(0, wordEndAfter(tail, 0))
}

/** As drawn: the first line only, with a mark when more lines would come. */
export function shownTail(tail: string): string {
  const nl = tail.indexOf('\n')
  return nl === -1 ? tail : tail.slice(0, nl) + ' …'
}
