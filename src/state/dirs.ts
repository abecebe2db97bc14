// Where fsh keeps its files (SPEC §7): $FSH_HOME when set, else the XDG base directories.
import { mkdirSync, statSync, chmodSync } from 'node:fs'
import { mkdir, stat, chmod } from 'node:fs/promises'
import { homedir } from 'node:os'
import { isAbsolute, join } from 'node:path'
import { FshError } from '../base/errors.ts'

export interface FshDirs { config: string; state: string }

export function fshDirs(env: Record<string, string | undefined>): FshDirs {
  if (env.FSH_HOME) return { config: env.FSH_HOME, state: join(env.FSH_HOME, 'state') }
  const home = env.HOME || homedir()
  // The XDG spec says a relative value is invalid and must be ignored.
  const xdg = (name: string): string | undefined => {
    const v = env[name]
    return v && isAbsolute(v) ? v : undefined
  }
  return {
    config: join(xdg('XDG_CONFIG_HOME') ?? join(home, '.config'), 'fsh'),
    state: join(xdg('XDG_STATE_HOME') ?? join(home, '.local', 'state'), 'fsh'),
  }
}

const PRIVATE_DIR = 0o700

/**
 * Creates `path` (and missing parents) with mode 0700. An existing directory we own whose mode
 * lets group or others in is tightened to 0700; one owned by someone else is left alone.
 * Returns `path`.
 */
export async function ensureDir(path: string): Promise<string> {
  await mkdir(path, { recursive: true, mode: PRIVATE_DIR }).catch(notADirectory(path))
  const st = await stat(path)
  if (!st.isDirectory()) throw new FshError(1, `${path} exists and is not a directory`)
  if ((st.mode & 0o077) !== 0 && ownedByUs(st.uid)) await chmod(path, PRIVATE_DIR)
  return path
}

/** The same for code that cannot await (start-up paths). */
export function ensureDirSync(path: string): string {
  try {
    mkdirSync(path, { recursive: true, mode: PRIVATE_DIR })
  } catch (err) {
    notADirectory(path)(err)
  }
  const st = statSync(path)
  if (!st.isDirectory()) throw new FshError(1, `${path} exists and is not a directory`)
  if ((st.mode & 0o077) !== 0 && ownedByUs(st.uid)) chmodSync(path, PRIVATE_DIR)
  return path
}

/** mkdir fails with EEXIST when a file sits where the directory should be. */
const notADirectory = (path: string) => (err: unknown): void => {
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'EEXIST' || code === 'ENOTDIR') throw new FshError(1, `${path} exists and is not a directory`)
  throw err
}

function ownedByUs(uid: number): boolean {
  return typeof process.getuid !== 'function' || process.getuid() === uid
}
