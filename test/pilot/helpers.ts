// A pilot sandbox: its own FSH_HOME, a shell to run pilot commands in-process, the daemon's pid,
// and a look at the process table for anything of ours still running.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectDaemon, pilotDir, request } from '../../src/pilot/client.ts'
import { createShell } from '../../src/index.ts'
import { until } from '../wait.ts'

export interface PilotBox {
  dir: string
  home: string
  env: Record<string, string>
  run(line: string): Promise<{ exitCode: number; stdout: string; stderr: string; records: unknown[] }>
  /** The daemon's pid, or undefined when none answers (none is started). */
  daemonPid(): Promise<number | undefined>
  /** pids of live processes whose environment holds this sandbox's FSH_HOME (the daemon, children). */
  ours(): number[]
  /** `pilot kill`, then waits until nothing of ours is left; removes the sandbox. */
  close(): Promise<void>
}

export function pilotBox(): PilotBox {
  const dir = mkdtempSync(join(tmpdir(), 'fsh-pilot-'))
  const home = join(dir, 'home')
  const env: Record<string, string> = { ...(process.env as Record<string, string>), FSH_HOME: home, NO_COLOR: '1' }
  delete env.FSH_DEBUG
  const shell = createShell({ cwd: dir, env })
  const marker = `FSH_HOME=${home}\0`
  const box: PilotBox = {
    dir, home, env,
    run: line => shell.run(line) as never,
    async daemonPid() {
      const sock = await connectDaemon(pilotDir(join(home, 'state')), env, false)
      if (!sock) return undefined
      return (await request(sock, { op: 'ping' })).pid as number
    },
    ours() {
      const out: number[] = []
      for (const n of readdirSync('/proc')) {
        if (!/^\d+$/.test(n) || Number(n) === process.pid) continue
        try {
          if (readFileSync(`/proc/${n}/environ`, 'latin1').includes(marker) && !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${n}/stat`, 'latin1'))) out.push(Number(n))
        } catch { /* gone, or not ours to read */ }
      }
      return out
    },
    async close() {
      await shell.run('pilot kill')
      await until(() => box.ours().length === 0, 'nothing of the sandbox left running', 10_000)
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return box
}
