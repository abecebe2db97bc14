// The snippet corpus: each file in test/loop/corpus ends with the lines it must print, each with
// the phase and source it runs in (`text | phase | source`; `! text` for the uncaught error node reports).
// A snippet marked `/* order: thread pool timing */` prints those lines in an order that depends on
// which pool thread finishes first: only the set of lines is fixed.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface Expected { text: string; phase: string; source: string; uncaught: boolean }
export interface Snippet { name: string; file: string; expect: Expected[]; poolTiming: boolean }

export const CORPUS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'corpus')

export function loadCorpus(): Snippet[] {
  return readdirSync(CORPUS_DIR).filter(f => f.endsWith('.js')).sort().map(name => {
    const file = join(CORPUS_DIR, name)
    const text = readFileSync(file, 'utf8')
    const block = /\/\* expect\n([\s\S]*?)\*\//.exec(text)
    if (!block) throw new Error(`${name} has no /* expect */ block`)
    const expect = block[1]!.split('\n').filter(l => l.trim()).map(line => {
      const parts = line.split(' | ')
      if (parts.length !== 3) throw new Error(`${name}: bad expectation '${line}'`)
      const uncaught = parts[0]!.startsWith('! ')
      return { text: uncaught ? parts[0]!.slice(2) : parts[0]!, phase: parts[1]!, source: parts[2]!, uncaught }
    })
    return { name, file, expect, poolTiming: text.includes('/* order: thread pool timing */') }
  })
}
