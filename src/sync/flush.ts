// Makes the data written under a directory durable in one call: syncfs(2) on its filesystem, which
// Node does not offer, through coreutils' `sync -f`. Where that fails, every regular file in the
// directories written to would need its own fsync: the caller then syncs per file instead.
import { spawn } from 'node:child_process'

export function flushFileSystem(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sync', ['-f', dir], { stdio: 'ignore' })
    child.on('error', reject)
    child.on('exit', code => (code === 0 ? resolve() : reject(new Error(`sync -f ${dir} exited with status ${code}`))))
  })
}
