// How a batch of copies is made durable before its renames: one `sync -f DST` (syncfs) for a big
// batch, and each file's own fsync when `sync` is missing or fails. Either way every file lands.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { executePlan } from '../../src/sync/execute.ts'
import { planSync, type Op } from '../../src/sync/plan.ts'
import { walkTree } from '../../src/sync/walk.ts'

const root = mkdtempSync(join(tmpdir(), 'fsh-sync-flush-'))
test.after(() => rmSync(root, { recursive: true, force: true }))
const signal = new AbortController().signal
const FILES = 300 // past the batch size from which a batch is flushed whole
const src = join(root, 'src')
mkdirSync(src)
for (let i = 0; i < FILES; i++) writeFileSync(join(src, `f${i}`), `file ${i}`)
const bin = join(root, 'bin')
mkdirSync(bin)
const log = join(root, 'sync.log')

/** Mirrors SRC into a fresh DST with PATH as given; the copies done. */
async function mirror(name: string, path: string): Promise<{ dst: string; ops: Op[] }> {
  const dst = join(root, name)
  mkdirSync(dst)
  const { tree } = await walkTree(src, '', { signal })
  const ops: Op[] = []
  const saved = process.env.PATH
  process.env.PATH = path
  try {
    await executePlan(planSync(tree, new Map(), { checksum: false }), { srcRoot: src, dstRoot: dst, src: tree, signal, concurrency: 4, onOp: op => ops.push(op) })
  } finally { process.env.PATH = saved }
  assert.equal(readdirSync(dst).length, FILES, 'every file, no temporary left')
  assert.is(readFileSync(join(dst, 'f123'), 'utf8'), 'file 123')
  assert.is(ops.filter(o => o.op === 'copy').length, FILES)
  return { dst, ops }
}

test('a big batch is flushed with one `sync -f DST`', async () => {
  writeFileSync(join(bin, 'sync'), `#!/bin/sh\necho "$@" >> ${JSON.stringify(log)}\nexec /bin/sync "$@"\n`, { mode: 0o755 })
  const { dst } = await mirror('flushed', `${bin}:${process.env.PATH}`)
  assert.is(readFileSync(log, 'utf8'), `-f ${dst}\n`)
})

test('without `sync`, or when it fails, each file is synced on its own and lands all the same', async () => {
  rmSync(join(bin, 'sync'))
  await mirror('no-sync', bin)
  writeFileSync(join(bin, 'sync'), '#!/bin/sh\nexit 1\n', { mode: 0o755 })
  await mirror('sync-fails', `${bin}:${process.env.PATH}`)
})

test.run()
