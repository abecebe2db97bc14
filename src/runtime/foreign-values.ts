// Commands a program adds (defineCommand) may return anything JavaScript has; what leaves them is
// checked once, at their stage, so a BigInt or a cycle fails that command, not the table, a
// serializer or the whole run further on. Built-in commands are trusted and pay nothing.
import type { CommandDef } from './command.ts'
import { FshError } from '../base/errors.ts'
import { Batch, isBytes, type Item } from '../base/values.ts'

const foreign = new WeakSet<CommandDef<any>>()

/** Marks a definition (and its subcommands) as coming from outside the built-in registry. */
export function markForeign(def: CommandDef<any>): void {
  foreign.add(def)
  for (const sub of def.subcommands ?? []) markForeign(sub)
}

export const isForeign = (def: CommandDef<any>): boolean => foreign.has(def)

/** The items as they are, after checking that each is a value fsh can show and serialize. */
export async function* checkedItems(source: AsyncIterable<Item>): AsyncGenerator<Item> {
  for await (const item of source) {
    if (isBytes(item)) { yield item; continue }
    for (const v of item instanceof Batch ? item.items : [item]) checkValue(v, '', new Set())
    yield item
  }
}

/** JSON.stringify's own errors on such a value (one that came in some other way), as one line. */
export function unshowable(e: unknown): FshError | undefined {
  if (!(e instanceof TypeError)) return undefined
  if (/BigInt/.test(e.message)) return new FshError(1, 'cannot show a BigInt: use a number or a string')
  if (/circular structure/.test(e.message)) return new FshError(1, 'cannot show a circular record')
  return undefined
}

/** Values a program passes in (`run(line, { input })`): what cannot be shown is the caller's error. */
export function checkInput(values: unknown[]): void {
  try {
    values.forEach((v, i) => checkValue(v, `[${i}]`, new Set()))
  } catch (e) {
    throw new FshError(2, `input: ${(e as Error).message}`)
  }
}

function checkValue(v: unknown, at: string, open: Set<object>): void {
  const where = at ? ` (field ${at})` : ''
  switch (typeof v) {
    case 'bigint': throw new FshError(1, `cannot show a BigInt${where}: use a number or a string`)
    case 'function': case 'symbol': throw new FshError(1, `cannot show a ${typeof v}${where}`)
    case 'object': break
    default: return
  }
  if (v === null || v instanceof Date || isBytes(v)) return
  if (open.has(v)) throw new FshError(1, `cannot show a circular record: field ${at} refers back to a record that contains it`)
  open.add(v)
  if (Array.isArray(v)) v.forEach((x, i) => checkValue(x, `${at}[${i}]`, open))
  else for (const k of Object.keys(v)) checkValue((v as Record<string, unknown>)[k], at ? `${at}.${k}` : k, open)
  open.delete(v)
}
