// A FIFO or a device named as an output is written into, as `>` does, never replaced by a file.
import { constants, type Stats } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'

const FIFO_POLL_MS = 50

/** Opens a non-regular file for writing: a FIFO once a reader is there, a device at once. */
export function openThrough(path: string, st: Stats, signal: AbortSignal): Promise<FileHandle> {
  return st.isFIFO() ? openFifoForWriting(path, signal) : open(path, 'w')
}

/** Waits for a reader as `>` does, but Ctrl-C still stops the wait (a blocking open could not be). */
async function openFifoForWriting(path: string, signal: AbortSignal): Promise<FileHandle> {
  for (;;) {
    signal.throwIfAborted()
    try {
      const probe = await open(path, constants.O_WRONLY | constants.O_NONBLOCK)
      // A reader is there, so a blocking open returns at once; writes then wait for the reader.
      try { return await open(path, constants.O_WRONLY) } finally { await probe.close() }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENXIO') throw err
    }
    await new Promise(r => setTimeout(r, FIFO_POLL_MS))
  }
}
