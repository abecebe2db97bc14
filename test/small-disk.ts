// A tiny tmpfs for the tests of full disks (root may mount one); undefined where mounting is not
// permitted: the test then skips that part, and the summary of the run says what went untested.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { skipped } from './skips.ts'

export function mountSmallDisk(untested: string, size = '512k'): { dir: string; unmount(): void } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'fsh-full-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' })
  } catch {
    rmSync(dir, { recursive: true, force: true })
    skipped.push(`${untested} (mounting a tmpfs is not permitted)`)
    return undefined
  }
  return {
    dir,
    unmount() {
      execFileSync('umount', [dir], { stdio: 'ignore' })
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
