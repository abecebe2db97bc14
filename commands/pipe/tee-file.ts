// A file that receives a copy of a stream. Like tee(1), a failing copy does not stop the stream:
// the error is kept, said once at the end, and turns the exit status into a failure.
import { once } from 'node:events'
import { createWriteStream, type WriteStream } from 'node:fs'
import { writeStream } from '../../src/runtime/pipeline.ts'

export class TeeFile {
  error: string | undefined

  private constructor(readonly path: string, private readonly stream: WriteStream) {
    stream.on('error', e => this.fail(e))
  }

  static async open(path: string): Promise<TeeFile> {
    // Room for a few chunks: the copy is written while the next chunks pass, not chunk by chunk.
    const stream = createWriteStream(path, { highWaterMark: 1024 * 1024 })
    try {
      await once(stream, 'open')
    } catch (e) {
      throw new Error(reason(e))
    }
    return new TeeFile(path, stream)
  }

  /** Waits while the file is behind (backpressure), never throws. */
  readonly write = (chunk: Uint8Array): Promise<void> | void => {
    if (this.error !== undefined) return
    try {
      const w = writeStream(this.stream, chunk)
      if (w) return w.catch(e => this.fail(e))
    } catch (e) {
      this.fail(e)
    }
  }

  async close(): Promise<void> {
    if (this.stream.destroyed) return
    await new Promise<void>(resolve => this.stream.end(() => resolve()))
  }

  private fail(e: unknown): void {
    this.error ??= reason(e)
    this.stream.destroy()
  }
}

function reason(e: unknown): string {
  const code = (e as { code?: string }).code
  if (code === 'ENOENT') return 'no such directory'
  if (code === 'EACCES') return 'permission denied'
  if (code === 'EISDIR') return 'is a directory'
  if (code === 'ENOSPC') return 'no space left on device'
  return (e as Error).message ?? String(e)
}
