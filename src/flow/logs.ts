// A step's log: its stdout and stderr appended as they are written, across attempts. Capped: past
// half the cap, the file becomes STEP.log.1 (replacing the older half) and a new STEP.log starts,
// so the newest output is always kept and the pair never holds more than the cap.
import { closeSync, existsSync, fstatSync, openSync, readSync, renameSync, statSync, writeSync } from 'node:fs'
import { ensureDirSync } from '../state/dirs.ts'
import { dirname } from 'node:path'

/** Bytes kept per step (both halves together). */
export const LOG_CAP_BYTES = 64 * 1024 * 1024

export class StepLog {
  private fd = -1
  private size = 0

  /** The file is made at the first write: a step that prints nothing costs no file. */
  constructor(readonly path: string, private readonly cap = LOG_CAP_BYTES) {}

  /** Appends every byte or throws (a full disk: ENOSPC). */
  write(chunk: Uint8Array | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    if (this.fd < 0) {
      ensureDirSync(dirname(this.path))
      this.fd = openSync(this.path, 'a', 0o600)
      this.size = fstatSync(this.fd).size
    }
    if (this.size + bytes.byteLength > this.cap / 2 && this.size > 0) this.rotate()
    for (let off = 0; off < bytes.byteLength;) off += writeSync(this.fd, bytes, off)
    this.size += bytes.byteLength
  }

  private rotate(): void {
    closeSync(this.fd)
    renameSync(this.path, this.path + '.1')
    this.fd = openSync(this.path, 'a', 0o600)
    this.size = 0
  }

  close(): void { if (this.fd >= 0) closeSync(this.fd); this.fd = -1 }
}

/** The parts of a step's log, oldest first (the older half, when it was rotated). */
export function logParts(path: string): string[] {
  return [path + '.1', path].filter(p => existsSync(p))
}

/** Reads a file from `offset` in chunks; where it stops is where to go on from. */
export function* readFrom(path: string, offset: number, chunkBytes = 64 * 1024): Generator<Buffer> {
  let fd: number
  try { fd = openSync(path, 'r') } catch { return }
  try {
    for (;;) {
      const buf = Buffer.allocUnsafe(chunkBytes)
      const n = readSync(fd, buf, 0, chunkBytes, offset)
      if (n <= 0) return
      offset += n
      yield buf.subarray(0, n)
    }
  } finally {
    closeSync(fd)
  }
}

export function sizeOf(path: string): number {
  try { return statSync(path).size } catch { return 0 }
}
