// A workflow sandbox: a temp dir with its own FSH_HOME, an in-process shell in it, and the real
// fsh launcher for the processes a test must kill.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createShell, type FshShell } from '../../src/index.ts'

export const BIN = resolve('bin/fsh.js')

export interface FlowBox { dir: string; env: Record<string, string>; sh: FshShell; write(name: string, text: string): void }

export function flowBox(): FlowBox {
  const dir = mkdtempSync(join(tmpdir(), 'fsh-flow-'))
  const env = { ...process.env, FSH_HOME: join(dir, 'home'), NO_COLOR: '1' } as Record<string, string>
  delete env.FSH_DEBUG
  return { dir, env, sh: createShell({ cwd: dir, env }), write: (name, text) => writeFileSync(join(dir, name), text) }
}
