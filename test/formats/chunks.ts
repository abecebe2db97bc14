// Test input: a text or bytes cut into chunks of a given size, as a file or a pipe would deliver it.
export async function* chunksOf(data: string | Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  const buf = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data)
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size)
}

export async function all<T>(gen: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = []
  for await (const b of gen) out.push(...b)
  return out
}

export async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    return (err as Error).message
  }
  return '(no error)'
}
