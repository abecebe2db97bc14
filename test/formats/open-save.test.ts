// open and save through the shell, on real files: formats by extension, gzip, atomic writes,
// early stop on an endless input, and the errors a user sees.
import { execFileSync, spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync, gunzipSync } from 'node:zlib'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createShell } from '../../src/index.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-open-'))
const env = { ...(process.env as Record<string, string>), FSH_HOME: join(dir, '.home'), NO_COLOR: '1' }
test.after(() => rmSync(dir, { recursive: true, force: true }))
const fsh = (line: string) => createShell({ cwd: dir, env }).run(line)
const file = (name: string, content: string | Buffer) => writeFileSync(join(dir, name), content)

const HITS = '{"path":"/a","status":200,"ms":12}\n{"path":"/b","status":503,"ms":900}\n{"path":"/c","status":500,"ms":15}\n'

test('every command that emits values takes --json: open prints NDJSON, help lists the commands', async () => {
  file('j.ndjson', HITS)
  const r = await fsh('open j.ndjson --json')
  assert.is(r.exitCode, 0, r.stderr)
  assert.is(r.stdout, HITS)
  const csv = await fsh('open j.csv --json')
  assert.is(csv.exitCode, 1, 'a missing file is still an error')
  const help = await fsh('help --json')
  const rows = help.stdout.trim().split('\n').map(l => JSON.parse(l) as { name: string; summary: string })
  assert.ok(rows.some(r => r.name === 'open' && r.summary.startsWith('Read files')), 'one JSON record per command')
  const one = JSON.parse((await fsh('help open --json')).stdout) as { flags: { name: string }[]; args: { name: string; variadic: boolean }[] }
  assert.ok(one.flags.some(f => f.name === 'json'), 'open lists --json')
  assert.equal(one.args.map(a => [a.name, a.variadic]), [['file', true]])
})

test('open picks the format by extension: ndjson, json, csv, tsv, log', async () => {
  file('h.ndjson', HITS)
  file('h.json', JSON.stringify(HITS.trim().split('\n').map(l => JSON.parse(l))))
  file('h.csv', 'path,status,ms\n/a,200,12\n/b,503,900\n/c,500,15\n')
  file('h.tsv', 'path\tstatus\tms\n/a\t200\t12\n/b\t503\t900\n/c\t500\t15\n')
  for (const f of ['h.ndjson', 'h.json', 'h.csv', 'h.tsv']) {
    const r = await fsh(`open ${f} | where status >= 500 | select path`)
    assert.is(r.exitCode, 0, r.stderr)
    assert.equal(r.records, [{ path: '/b' }, { path: '/c' }], f)
  }
  file('app.log', 'GET /a\r\nPOST /b\n')
  assert.equal((await fsh('open app.log')).records, [{ line: 'GET /a' }, { line: 'POST /b' }])
})

test('csv and tsv numbers are numbers unless --no-infer: ls saved as csv sorts by size numerically', async () => {
  mkdirSync(join(dir, 'sizes'))
  for (const [name, n] of [['nine', 9], ['ten', 10], ['hundred', 100]] as const) file(`sizes/${name}`, 'x'.repeat(n))
  const sh = createShell({ cwd: join(dir, 'sizes'), env })
  assert.is((await sh.run('ls | save ../ls.csv')).exitCode, 0)
  const sorted = await sh.run('open ../ls.csv | sort-by size | select name size')
  assert.equal(sorted.records, [{ name: 'nine', size: 9 }, { name: 'ten', size: 10 }, { name: 'hundred', size: 100 }])
  file('t.tsv', 'n\tok\tid\n3\ttrue\t007\n')
  assert.equal((await fsh('open t.tsv')).records, [{ n: 3, ok: true, id: '007' }])
  assert.equal((await fsh('open t.tsv --no-infer')).records, [{ n: '3', ok: 'true', id: '007' }])
  assert.equal((await fsh("^printf 'n\\n3\\n' | from csv --no-infer")).records, [{ n: '3' }])
  assert.equal((await fsh("^printf 'n\\n3\\n' | from csv | where n > 2")).records, [{ n: 3 }])
})

test('a .gz file is decompressed on the fly, and save .gz compresses', async () => {
  file('h.ndjson.gz', gzipSync(HITS))
  const r = await fsh('open h.ndjson.gz | where ms > 100ms | save slow.ndjson.gz')
  assert.is(r.exitCode, 0, r.stderr)
  assert.is(gunzipSync(readFileSync(join(dir, 'slow.ndjson.gz'))).toString(), '{"path":"/b","status":503,"ms":900}\n')
  assert.equal((await fsh('open slow.ndjson.gz | count')).stdout, '1\n')
})

test('a file with no known extension is bytes, passed through untouched', async () => {
  const bytes = Buffer.from([0, 1, 2, 255, 10, 65])
  file('blob.bin', bytes)
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', `
    import('${join(process.cwd(), 'src/index.ts')}').then(async ({ createShell }) => {
      const chunks = []
      for await (const c of createShell({ cwd: ${JSON.stringify(dir)} }).stream('open blob.bin')) chunks.push(c)
      process.stdout.write(Buffer.concat(chunks))
    })`])
  assert.equal([...out], [...bytes])
})

test('save writes by extension; records reaching an external are NDJSON', async () => {
  file('h.ndjson', HITS)
  assert.is((await fsh('open h.ndjson | save out.csv')).exitCode, 0)
  assert.is(readFileSync(join(dir, 'out.csv'), 'utf8'), 'path,status,ms\n/a,200,12\n/b,503,900\n/c,500,15\n')
  assert.is((await fsh('open h.ndjson | select path | save paths.txt')).exitCode, 0)
  assert.is(readFileSync(join(dir, 'paths.txt'), 'utf8'), '/a\n/b\n/c\n')
  assert.is((await fsh('open h.ndjson | save all.json; open all.json | count')).stdout, '3\n')
  const ext = await fsh('open h.ndjson | where status == 200 | ^cat')
  assert.is(ext.stdout, '{"path":"/a","status":200,"ms":12}\n')
})

test('save --append adds NDJSON on a line of its own, and csv without a second header', async () => {
  file('log.ndjson', '{"n":1}') // no final newline
  assert.is((await fsh(`echo '{"n":2}' | from json | save log.ndjson --append`)).exitCode, 0)
  assert.is(readFileSync(join(dir, 'log.ndjson'), 'utf8'), '{"n":1}\n{"n":2}\n')
  await fsh(`echo '{"a":1}' | from json | save t.csv --append`)
  await fsh(`echo '{"a":2}' | from json | save t.csv --append`)
  assert.is(readFileSync(join(dir, 't.csv'), 'utf8'), 'a\n1\n2\n')
  await fsh(`echo '{"g":1}' | from json | save g.ndjson.gz --append`)
  await fsh(`echo '{"g":2}' | from json | save g.ndjson.gz --append`)
  assert.equal((await fsh('open g.ndjson.gz')).records, [{ g: 1 }, { g: 2 }], 'appended gzip members read back as one stream')
  const r = await fsh(`echo '{"a":1}' | from json | save t.json --append`)
  assert.is(r.exitCode, 2)
  assert.match(r.stderr, 'cannot append to a JSON document')
})

test('a failure half way through save leaves the old file and no temp file', async () => {
  const sub = join(dir, 'atomic')
  mkdirSync(sub)
  let big = ''
  for (let i = 0; i < 50_000; i++) big += `{"i":${i},"pad":"${'x'.repeat(40)}"}\n`
  writeFileSync(join(sub, 'in.ndjson'), big + '{"i": broken\n')
  writeFileSync(join(sub, 'out.ndjson'), 'old\n')
  const r = await createShell({ cwd: sub, env }).run('open in.ndjson | save out.ndjson')
  assert.is(r.exitCode, 1)
  assert.match(r.stderr, 'fsh: open: in.ndjson: line 50001: invalid JSON')
  assert.is(readFileSync(join(sub, 'out.ndjson'), 'utf8'), 'old\n')
  assert.equal(readdirSync(sub).sort(), ['in.ndjson', 'out.ndjson'])
})

test('save into a directory that cannot be written: one line, exit 1, nothing left', async () => {
  const locked = join(dir, 'locked')
  mkdirSync(locked)
  chmodSync(locked, 0o500)
  // root writes anywhere a mode allows nothing; sysfs refuses even root.
  const target = process.getuid?.() === 0 ? '/sys/fsh-save-test.ndjson' : join(locked, 'out.ndjson')
  file('h.ndjson', HITS)
  const r = await fsh(`open h.ndjson | save ${target}`)
  assert.is(r.exitCode, 1)
  assert.is(r.stderr, `fsh: save: cannot write ${target}: permission denied\n`)
  assert.not.ok(existsSync(target))
  assert.equal(readdirSync(locked), [])
  chmodSync(locked, 0o700)
})

test('bad input: missing file, malformed line, --skip-invalid, binary log, non-UTF-8', async () => {
  let r = await fsh('open nope.ndjson')
  assert.is(r.exitCode, 1)
  assert.is(r.stderr, 'fsh: open: no such file: nope.ndjson\n')
  file('bad.ndjson', '{"a":1}\n{"a":\n{"a":3}\nnot json\n')
  r = await fsh('open bad.ndjson | count')
  assert.is(r.exitCode, 1)
  assert.match(r.stderr, /^fsh: open: bad\.ndjson: line 2: invalid JSON: .+\n$/)
  r = await fsh('open bad.ndjson --skip-invalid | count')
  assert.is(r.exitCode, 0)
  assert.is(r.stdout, '2\n')
  assert.is(r.stderr, 'fsh: open: bad.ndjson: skipped 2 invalid lines (the first: line 2)\n')
  file('bin.log', Buffer.from('ok\nbad\0line\n'))
  r = await fsh('open bin.log | count')
  assert.is(r.exitCode, 1)
  assert.is(r.stderr, 'fsh: open: bin.log: input is binary (NUL byte on line 2)\n')
  file('latin1.log', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]))
  r = await fsh('open latin1.log')
  assert.equal(r.records, [{ line: 'caf\ufffd' }])
  assert.is(r.stderr, 'fsh: open: latin1.log: line 1: not valid UTF-8; invalid bytes shown as \ufffd\n')
  file('ragged.csv', 'a,b\n1,2\n3\n')
  r = await fsh('open ragged.csv')
  assert.is(r.exitCode, 1)
  assert.match(r.stderr, 'fsh: open: ragged.csv: line 3: 1 field, but the header has 2')
  file('trunc.ndjson.gz', gzipSync(HITS).subarray(0, 30))
  r = await fsh('open trunc.ndjson.gz | count')
  assert.is(r.exitCode, 1)
  assert.is(r.stderr, 'fsh: open: trunc.ndjson.gz: gzip data is truncated\n')
})

test('lines: {line} records; binary input and endless lines refused', async () => {
  let r = await fsh(`^printf 'a\\r\\nb\\n' | lines`)
  assert.equal(r.records, [{ line: 'a' }, { line: 'b' }])
  r = await fsh(`^printf 'a\\nb\\0c\\n' | lines`)
  assert.is(r.exitCode, 1)
  assert.is(r.stderr, 'fsh: lines: input is binary (NUL byte on line 2)\n')
  r = await fsh(`^head -c 300000 /dev/zero | ^tr '\\0' x | lines --max-line 64KB`)
  assert.is(r.exitCode, 1)
  assert.is(r.stderr, 'fsh: lines: line 1: line is longer than 62.5 KiB (--max-line raises the limit)\n')
})

test('open of an endless gzip stream | where | first 5 stops reading (backpressure)', async () => {
  const fifo = join(dir, 'endless.ndjson.gz')
  execFileSync('mkfifo', [fifo])
  // A writer that would go on forever: it reports how much it got to write before the reader left.
  const writer = spawn(process.execPath, ['-e', `
    const fs = require('fs'), zlib = require('zlib')
    const gz = zlib.createGzip(), out = fs.createWriteStream(${JSON.stringify(fifo)})
    gz.pipe(out)
    let n = 0
    out.on('error', () => { console.log(n); process.exit(0) })
    const line = i => JSON.stringify({ i, status: i % 1000 === 999 ? 503 : 200, pad: 'x'.repeat(200) }) + '\\n'
    ;(function more() { let ok = true; while (ok) ok = gz.write(line(n++)); gz.once('drain', more) })()
  `], { stdio: ['ignore', 'pipe', 'inherit'] })
  let written = ''
  writer.stdout.on('data', d => (written += d))
  const r = await fsh('open endless.ndjson.gz | where status >= 500 | first 5 | select i')
  assert.is(r.exitCode, 0, r.stderr)
  assert.equal(r.records, [{ i: 999 }, { i: 1999 }, { i: 2999 }, { i: 3999 }, { i: 4999 }])
  await new Promise(res => writer.on('exit', res))
  const records = Number(written)
  assert.ok(records > 5000 && records < 200_000, `the writer was stopped early (${records} records written)`)
})

test.run()
