// A run's artifacts: files a step saved, copied atomically into the run's folder, recorded with
// their size and SHA-256.
import { createHash } from 'node:crypto'
import { createReadStream, statSync } from 'node:fs'
import { isAbsolute, join, relative } from 'node:path'
import { FshError } from '../base/errors.ts'
import { createAtomicWriter } from '../state/atomic.ts'
import { ensureDirSync } from '../state/dirs.ts'
import { artifactDir } from './paths.ts'
import type { Artifact, FlowStore } from './store.ts'

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/

/** The file `path` (resolved) saved as `name`: it must be a file under the step's cwd. */
export async function saveArtifact(store: FlowStore, o: { runId: string; step: string | null; cwd: string; path: string; shown: string; name: string; signal: AbortSignal }): Promise<Omit<Artifact, 'createdAt'>> {
  const rel = relative(o.cwd, o.path)
  if (rel.startsWith('..') || isAbsolute(rel)) throw new FshError(1, `${o.shown}: outside the step's directory (${o.cwd}): only files under it can be saved`)
  let st
  try { st = statSync(o.path) } catch { throw new FshError(1, `${o.shown}: no such file`) }
  if (!st.isFile()) throw new FshError(1, `${o.shown}: not a regular file`)
  if (!NAME.test(o.name)) throw new FshError(2, `artifact name '${o.name}' must be letters, digits and _ . -`)
  await store.mustRun(o.runId)
  const dir = ensureDirSync(artifactDir(store.files, o.runId))
  const { size, sha256 } = await writeFileFromStream(join(dir, o.name), o.path, o.signal)
  const a = { runId: o.runId, name: o.name, step: o.step, size, sha256 }
  await store.addArtifact(a)
  return a
}

/** Where an artifact of the run is, or a clear error. */
export async function artifactPath(store: FlowStore, runId: string, name: string): Promise<string> {
  if (!(await store.artifacts(runId)).some(a => a.name === name)) throw new FshError(1, `run ${runId} has no artifact ${name}`)
  return join(artifactDir(store.files, runId), name)
}

/** Copies `from` to `to` atomically (temp, fsync, rename); returns its size and SHA-256. */
export async function writeFileFromStream(to: string, from: string, signal: AbortSignal): Promise<{ size: number; sha256: string }> {
  const writer = await createAtomicWriter(to)
  const hash = createHash('sha256')
  let size = 0
  try {
    for await (const chunk of createReadStream(from, { signal }) as AsyncIterable<Buffer>) {
      hash.update(chunk)
      size += chunk.byteLength
      await writer.write(chunk)
    }
    await writer.commit()
  } catch (e) {
    await writer.abort()
    throw e
  }
  return { size, sha256: hash.digest('hex') }
}
