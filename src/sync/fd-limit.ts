// The soft limit on open files, read from /proc where there is one; a common default elsewhere.
import { readFileSync } from 'node:fs'

export function fdLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find(l => l.startsWith('Max open files'))
    const n = Number(line?.split(/\s{2,}/)[1])
    return Number.isFinite(n) && n > 0 ? n : 1024
  } catch { return 1024 }
}
