// Reads newline-terminated lines from an open file, in bounded memory, from a byte offset.
import type { FileHandle } from 'node:fs/promises'

const READ_BYTES = 64 * 1024
const NEWLINE = 0x0a

export interface ReadLinesResult {
  /** Offset just past the last newline read: where the complete lines end. */
  end: number
  /** Bytes after that offset (a line still being written, or cut by a crash), at most maxLineBytes. */
  rest: Buffer
}

/**
 * Calls `onLine` with each complete line (without its newline) from `start` to the end of the file.
 * A line longer than `maxLineBytes` is skipped, not buffered.
 */
export async function readCompleteLines(
  fh: FileHandle,
  start: number,
  onLine: (line: string) => void,
  maxLineBytes: number,
): Promise<ReadLinesResult> {
  const buf = Buffer.allocUnsafe(READ_BYTES)
  let pos = start
  let end = start
  let carry: Buffer[] = []
  let carryBytes = 0
  let oversized = false
  for (;;) {
    const { bytesRead } = await fh.read(buf, 0, READ_BYTES, pos)
    if (bytesRead === 0) break
    const chunk = buf.subarray(0, bytesRead)
    let from = 0
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, from)) {
      const piece = chunk.subarray(from, nl)
      if (!oversized && carryBytes + piece.length <= maxLineBytes) {
        onLine(carryBytes ? Buffer.concat([...carry, piece]).toString('utf8') : piece.toString('utf8'))
      }
      carry = []
      carryBytes = 0
      oversized = false
      from = nl + 1
      end = pos + from
    }
    const tail = chunk.subarray(from)
    if (!oversized && tail.length) {
      if (carryBytes + tail.length > maxLineBytes) {
        oversized = true
        carry = []
        carryBytes = 0
      } else {
        carry.push(Buffer.from(tail)) // copied: buf is reused by the next read
        carryBytes += tail.length
      }
    }
    pos += bytesRead
  }
  return { end, rest: oversized ? Buffer.alloc(0) : Buffer.concat(carry) }
}

/** Every byte from `start` to the end of the file. */
export async function readFrom(fh: FileHandle, start: number): Promise<Buffer> {
  const parts: Buffer[] = []
  let pos = start
  for (;;) {
    const buf = Buffer.allocUnsafe(READ_BYTES)
    const { bytesRead } = await fh.read(buf, 0, READ_BYTES, pos)
    if (bytesRead === 0) break
    parts.push(buf.subarray(0, bytesRead))
    pos += bytesRead
  }
  return Buffer.concat(parts)
}
