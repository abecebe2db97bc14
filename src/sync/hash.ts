// SHA-256 of file contents for --checksum: each worker reads into one reused buffer, so hashing a
// tree costs no allocation per chunk and no promise per line.
import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'

const CHUNK = 1 << 20

export class Hasher {
  private readonly buffers: Buffer[] = []

  async hash(path: Buffer, signal: AbortSignal): Promise<string> {
    const buf = this.buffers.pop() ?? Buffer.allocUnsafe(CHUNK)
    const fh = await open(path, 'r')
    try {
      const h = createHash('sha256')
      for (;;) {
        signal.throwIfAborted()
        const { bytesRead } = await fh.read(buf, 0, CHUNK, null)
        if (bytesRead === 0) break
        h.update(buf.subarray(0, bytesRead))
      }
      return h.digest('hex')
    } finally {
      await fh.close()
      this.buffers.push(buf)
    }
  }
}
