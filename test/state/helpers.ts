// Shared by the state tests: private temp dirs and small waits.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'fsh-'))

export const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms))

export const modeOf = (st: { mode: number }): string => (st.mode & 0o777).toString(8)
