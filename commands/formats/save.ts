// save FILE: values written in the format the name says, atomically: a temp file beside the
// target, fsync, rename. A failure or Ctrl-C leaves the old file (or none), never half a file.
import { open as openFile, stat, type FileHandle } from 'node:fs/promises'
import type { Stats } from 'node:fs'
import { Readable, pipeline } from 'node:stream'
import { createGzip } from 'node:zlib'
import { defineCommand, encodeLines, FshError, type Input, type Value } from '../../src/prelude.ts'
import { createAtomicWriter, writeAll } from '../../src/state/atomic.ts'
import { encode, type TextFormat } from './encode.ts'
import { formatOfName } from './format-of-name.ts'
import { claimFile } from '../../src/runtime/same-file.ts'
import { openThrough } from '../../src/state/write-through.ts'

/** Mode of a new file: what a umask of 022 gives; an existing file keeps its own. */
const NEW_FILE_MODE = 0o644
const APPENDABLE = new Set(['ndjson', 'lines', 'csv', 'tsv', 'bytes'])

export default defineCommand({
  name: 'save',
  summary: 'Write the input to a file, in the format its name says, atomically',
  description: `Formats by extension: .json .ndjson/.jsonl .csv .tsv .txt/.log (lines); a .gz suffix compresses.
Bytes (from an external or 'to FORMAT') are written as they are. The file is replaced atomically
(temp file, fsync, rename): an error or Ctrl-C leaves the old content. --append adds to the end
instead (ndjson, lines, csv/tsv without a second header, or a new gzip member).`,
  flags: {
    append: { type: 'boolean', alias: 'a', describe: 'add to the end of the file instead of replacing it' },
    format: { type: 'string', alias: 'f', describe: 'write this format whatever the extension', arg: 'F', choices: ['json', 'ndjson', 'csv', 'tsv', 'lines'] },
  },
  args: [{ name: 'file', type: 'path', describe: 'where to write; the extension says the format' }],
  output: 'none',
  examples: [
    {
      line: 'open hits.ndjson | where status >= 500 | save errors.csv; open errors.csv',
      description: 'Keep the server errors as CSV',
      files: { 'hits.ndjson': '{"path":"/","status":200}\n{"path":"/a","status":503}\n' },
      output: 'path  status\n/a       503',
    },
  ],
  async run(ctx, input) {
    const [name] = ctx.args
    const path = ctx.resolve(name)
    const named = formatOfName(name)
    const format = (ctx.flags.format as TextFormat | undefined) ?? named.format
    if (ctx.flags.append && !APPENDABLE.has(format)) ctx.usage(`cannot append to ${format === 'json' ? 'a JSON document' : format}: save as .ndjson to append records`)

    let text: AsyncIterable<string | Uint8Array>
    const kind = await input.kind()
    if (kind === 'bytes') text = input.bytes()
    else {
      const header = ctx.flags.append && (format === 'csv' || format === 'tsv') ? !(await nonEmpty(path)) : true
      text = format === 'bytes' ? plainLines(input) : encode(format as TextFormat, input.batches(), {
        noHeader: !header,
        onDroppedField: (field, n) => ctx.warn(`field '${field}' first appears in record ${n}, after the header was written; it is left out`),
      })
    }
    if (ctx.flags.append && format === 'ndjson' && !named.gzip) text = afterNewline(path, text)
    const out = named.gzip ? gzip(text) : text
    try {
      const st = await stat(path).catch(() => undefined)
      if (ctx.flags.append) await appendTo(path, name, out, ctx.signal)
      else if (st && !st.isFile() && !st.isDirectory()) await writeThrough(path, st, out, ctx.signal)
      else await replace(path, out, ctx.signal)
    } catch (err) {
      throw saveError(err, name)
    }
  },
})

async function replace(path: string, chunks: AsyncIterable<string | Uint8Array>, signal: AbortSignal): Promise<void> {
  const writer = await createAtomicWriter(path, { mode: NEW_FILE_MODE })
  try {
    for await (const c of chunks) {
      signal.throwIfAborted()
      await writer.write(c)
    }
    signal.throwIfAborted()
    await writer.commit()
  } catch (err) {
    await writer.abort()
    throw err
  }
}

/**
 * Appends; a failure (a full disk, Ctrl-C) cuts the file back to the length it had, so it never
 * ends in half a record. A file this run is reading is refused: it would grow forever.
 */
async function appendTo(path: string, name: string, chunks: AsyncIterable<string | Uint8Array>, signal: AbortSignal): Promise<void> {
  const fh = await openFile(path, 'a', NEW_FILE_MODE)
  let release = () => {}
  try {
    const st = await fh.stat()
    release = claimFile(signal, st, 'append', name)
    try {
      await writeChunks(fh, chunks, signal)
      if (st.isFile()) await fh.sync()
    } catch (err) {
      if (st.isFile()) await fh.truncate(st.size).catch(() => {})
      throw err
    }
  } finally {
    release()
    await fh.close()
  }
}

/** A FIFO or a device is written into, as `>` does, never replaced by a file. */
async function writeThrough(path: string, st: Stats, chunks: AsyncIterable<string | Uint8Array>, signal: AbortSignal): Promise<void> {
  const fh = await openThrough(path, st, signal)
  try {
    await writeChunks(fh, chunks, signal)
  } finally {
    await fh.close()
  }
}

async function writeChunks(fh: FileHandle, chunks: AsyncIterable<string | Uint8Array>, signal: AbortSignal): Promise<void> {
  for await (const c of chunks) {
    signal.throwIfAborted()
    await writeAll(fh, typeof c === 'string' ? Buffer.from(c) : c)
  }
  signal.throwIfAborted()
}

async function nonEmpty(path: string): Promise<boolean> {
  try {
    return (await stat(path)).size > 0
  } catch {
    return false
  }
}

/** Appended NDJSON starts on a line of its own, even if the file's last line has no newline. */
async function* afterNewline(path: string, text: AsyncIterable<string | Uint8Array>): AsyncGenerator<string | Uint8Array> {
  let first = true
  for await (const c of text) {
    if (first) {
      first = false
      if (await endsWithoutNewline(path)) yield '\n'
    }
    yield c
  }
}

async function endsWithoutNewline(path: string): Promise<boolean> {
  let fh
  try {
    fh = await openFile(path, 'r')
    const { size } = await fh.stat()
    if (!size) return false
    const b = Buffer.alloc(1)
    await fh.read(b, 0, 1, size - 1)
    return b[0] !== 10
  } catch {
    return false
  } finally {
    await fh?.close()
  }
}

/** Values to a file with no known format: strings as lines, everything else as NDJSON. */
async function* plainLines(input: Input): AsyncGenerator<string> {
  for await (const b of input.batches()) yield encodeLines(b as Value[])
}

function gzip(text: AsyncIterable<string | Uint8Array>): AsyncIterable<Uint8Array> {
  return pipeline(Readable.from(text, { objectMode: false }), createGzip(), () => {})
}

function saveError(err: unknown, name: string): unknown {
  if (err instanceof FshError) return err
  const e = err as NodeJS.ErrnoException
  switch (e.code) {
    case 'EACCES': case 'EPERM': case 'EROFS': return new FshError(1, `cannot write ${name}: permission denied`)
    case 'ENOENT': return new FshError(1, `cannot write ${name}: no such directory`)
    case 'EISDIR': return new FshError(1, `cannot write ${name}: it is a directory`)
    case 'ENOSPC': return new FshError(1, `cannot write ${name}: no space left on the device`)
    case 'ENOTDIR': return new FshError(1, `cannot write ${name}: a parent is not a directory`)
  }
  return err
}
