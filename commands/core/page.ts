// page: the input full-screen, to move through with less's keys, when fsh runs on a terminal;
// elsewhere (a script's output, a pipe) the input passes on untouched, as less does.
import { isatty } from 'node:tty'
import { Batch, defineCommand, type Item } from '../../src/prelude.ts'
import { page, pagedText } from '../../src/runtime/pager.ts'

/** Values held for the pager; past them the input is not read further. */
const MOST = 1_000_000

export default defineCommand({
  name: 'page',
  summary: 'Show the input a screen at a time (less keys: j k space b g G / n N, q quits)',
  description: `Records show as the REPL's table (sizes and times made readable) with the header kept at the
top; text shows as its lines. Keys: j k or ↑ ↓ a line, space f b or PgDn PgUp a screen, d u half a
screen, g G or Home End the start and the end, /TEXT Enter searches (n N the next, previous match),
q or Ctrl-C quits. Input that fits one screen is just printed. When stdout is not a terminal the
input passes on unchanged. At most ${MOST.toLocaleString('en')} values are held; the rest is not read.`,
  output: 'any',
  examples: [
    { line: 'echo hi | page', description: 'not on a terminal: the input passes on', output: 'hi' },
  ],
  async *run(ctx, input) {
    // isatty, not process.stdin.isTTY: making process.stdin would turn a piped fd 0 non-blocking.
    const tty = ctx.stdout.isTTY && isatty(0) && isatty(1)
    if (!tty) { yield* input.items(); return }
    const items: Item[] = []
    let held = 0
    let more = false
    for await (const item of input.items()) {
      items.push(item)
      held += item instanceof Batch ? item.items.length : 1
      if (held >= MOST) { more = true; break }
      if (ctx.signal.aborted) return
    }
    if (more) await input.close()
    const paged = pagedText(items, process.stdout.columns || 80)
    if (more) paged.lines.push(`… (the first ${MOST.toLocaleString('en')} values)`)
    await page(paged, { input: process.stdin, output: process.stdout, signal: ctx.signal })
  },
})
