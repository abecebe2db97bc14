// A tiny tmpfs for the tests of full disks (root may mount one); undefined where mounting is not
// permitted, and the test then says so and skips.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export function mountSmallDisk(size = '512k'): { dir: string; unmount(): void } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'fsh-full-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' })
  } catch {
    rmSync(dir, { recursive: true, force: true })
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
