// `__proto__`, `constructor` and `toString` are ordinary field names: every verb and format keeps
// them as data, never as an object's prototype, and a record without them does not seem to have them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createShell } from '../../src/index.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-proto-'))
const env = { ...(process.env as Record<string, string>), FSH_HOME: join(dir, '.home'), NO_COLOR: '1' }
test.after(() => rmSync(dir, { recursive: true, force: true }))
const fsh = async (line: string) => {
  const r = await createShell({ cwd: dir, env }).run(line)
  assert.is(r.stderr, '', line)
  assert.is(r.exitCode, 0, line)
  return r.stdout
}

const NDJSON = '{"__proto__":1,"constructor":2,"a":3}\n{"__proto__":4,"constructor":5,"a":6}\n'
writeFileSync(join(dir, 'p.ndjson'), NDJSON)
writeFileSync(join(dir, 'p.csv'), '__proto__,constructor,a\n1,2,3\n4,5,6\n')
writeFileSync(join(dir, 'p.tsv'), '__proto__\tconstructor\ta\n1\t2\t3\n4\t5\t6\n')
writeFileSync(join(dir, 'p.json'), JSON.stringify(NDJSON.trim().split('\n').map(l => JSON.parse(l))))
writeFileSync(join(dir, 'plain.ndjson'), '{"a":1}\n')

test('every format reads such keys as fields', async () => {
  for (const f of ['p.ndjson', 'p.json', 'p.csv', 'p.tsv']) assert.is(await fsh(`open ${f} | to ndjson`), NDJSON, f)
  assert.is(await fsh('open p.ndjson | to json | from json | to ndjson'), NDJSON)
  assert.is(await fsh('open p.ndjson | to ndjson | from ndjson | to ndjson'), NDJSON)
  assert.is(await fsh('open p.ndjson | to csv | from csv | to ndjson'), NDJSON)
  assert.is(await fsh('open p.ndjson | to tsv | from tsv | to ndjson'), NDJSON)
})

test('every format writes them, and save/open round-trips them', async () => {
  assert.is(await fsh('open p.ndjson | to csv'), '__proto__,constructor,a\n1,2,3\n4,5,6\n')
  assert.is(await fsh('open p.ndjson | to tsv'), '__proto__\tconstructor\ta\n1\t2\t3\n4\t5\t6\n')
  for (const f of ['q.ndjson', 'q.json', 'q.csv', 'q.tsv']) {
    await fsh(`open p.ndjson | save ${f}`)
    assert.is(await fsh(`open ${f} | to ndjson`), NDJSON, f)
  }
  assert.is(readFileSync(join(dir, 'q.ndjson'), 'utf8'), NDJSON)
})

test('verbs keep them: select, reject, sort-by, group-by, uniq, where, each', async () => {
  assert.is(await fsh('open p.ndjson | select __proto__ constructor | to ndjson'), '{"__proto__":1,"constructor":2}\n{"__proto__":4,"constructor":5}\n')
  assert.is(await fsh('open p.ndjson | reject a | to ndjson'), '{"__proto__":1,"constructor":2}\n{"__proto__":4,"constructor":5}\n')
  assert.is(await fsh('open p.ndjson | reject __proto__ | to ndjson'), '{"constructor":2,"a":3}\n{"constructor":5,"a":6}\n')
  assert.is(await fsh('open p.ndjson | sort-by __proto__ --reverse | first 1 | to ndjson'), '{"__proto__":4,"constructor":5,"a":6}\n')
  assert.is(await fsh('open p.ndjson | group-by __proto__ | to ndjson'), '{"__proto__":1,"count":1}\n{"__proto__":4,"count":1}\n')
  assert.is(await fsh('open p.ndjson | group-by constructor --sum __proto__ | to ndjson'), '{"constructor":2,"sum___proto__":1}\n{"constructor":5,"sum___proto__":4}\n')
  assert.is(await fsh('open p.ndjson p.ndjson | sort-by a | uniq | to ndjson'), NDJSON)
  assert.is(await fsh('open p.ndjson | where __proto__ > 1 and constructor == 5 | to ndjson'), '{"__proto__":4,"constructor":5,"a":6}\n')
  assert.is(await fsh('open p.ndjson | each { echo $it.__proto__ $it.constructor }'), '1 2\n4 5\n')
})

test('a record without them does not seem to have them', async () => {
  assert.is(await fsh('open plain.ndjson | select constructor toString __proto__ | to ndjson'), '{"constructor":null,"toString":null,"__proto__":null}\n')
  // Read as missing: an error when no record has it, null in a record that lacks it.
  const none = await createShell({ cwd: dir, env }).run('open plain.ndjson | where constructor == null and toString == null | count')
  assert.is(none.stderr, "fsh: where: no field 'constructor'; fields: a\n")
  assert.is(await fsh('open plain.ndjson p.ndjson | where constructor == null | count'), '1\n')
  assert.is(await fsh('open plain.ndjson | each { echo "[$it.constructor]" }'), '[]\n')
  assert.is(await fsh('open plain.ndjson p.ndjson | to csv'), 'a,__proto__,constructor\n1,,\n3,1,2\n6,4,5\n')
})

test('a table shows them as columns, also for rows that lack them', async () => {
  assert.is(await fsh('open p.ndjson plain.ndjson'), '__proto__  constructor  a\n        1            2  3\n        4            5  6\n                        1\n')
})

test.run()
