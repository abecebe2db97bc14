// Waiting for a state instead of sleeping: tests poll with a generous bound, since the machine
// running them may be busy.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>

/** Polls `cond` every 20 ms until it gives something truthy; fails naming `what` after `ms`. */
export async function until<T>(cond: () => T | Promise<T>, what: string, ms = 15_000): Promise<Truthy<T>> {
  const end = Date.now() + ms
  for (;;) {
    const v = await cond()
    if (v) return v as Truthy<T>
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise(r => setTimeout(r, 20))
  }
}

/** Whether a process whose command line contains `text` is running (ps, so any Unix). */
export function psHas(text: string): boolean {
  return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').some(l => l.includes(text))
}

/** Whether pid is running, not just a zombie waiting to be reaped. Needs /proc: fails without it
 *  rather than answer "gone" for every process. */
export function alive(pid: number): boolean {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    readFileSync('/proc/self/stat') // no /proc at all: throws, so the test fails instead of passing
    return false
  }
  return !/^\d+ \(.*\) Z/.test(stat)
}
