// The N of `first N`, `last N`, `skip N`: a whole number, 1 when left out.
import type { Ctx } from '../../src/runtime/command.ts'
import { toText, type Value } from '../../src/base/values.ts'

export function countArg(ctx: Ctx<any>, fallback = 1): number {
  if (!ctx.args.length) return fallback
  const text = typeof ctx.args[0] === 'string' ? ctx.args[0] : toText(ctx.args[0] as Value)
  const n = Number(text)
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) ctx.usage(`expected a whole number, got '${text}'`)
  return n
}
