import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineCommand, type CommandDef } from '../../src/runtime/command.ts'
import { applyCandidate, commonPrefix, complete, type CompletionSource } from '../../src/repl/complete.ts'
import { CommandSet } from '../../src/builtins.ts'
import { renderHelp } from '../../src/runtime/help.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-'))
mkdirSync(join(dir, 'my dir'))
mkdirSync(join(dir, 'src'))
writeFileSync(join(dir, 'my dir', 'notes.txt'), '')
writeFileSync(join(dir, 'web.log'), '')
writeFileSync(join(dir, 'web.log.gz'), '')
writeFileSync(join(dir, '.hidden'), '')
writeFileSync(join(dir, 'run.sh'), '')
chmodSync(join(dir, 'run.sh'), 0o755)

const loglens = defineCommand({
  name: 'loglens',
  summary: 'Streaming web-log analysis',
  subcommands: [
    defineCommand({
      name: 'parse', summary: 'Log lines as records', output: 'records',
      flags: { format: { type: 'string', describe: 'Log format', choices: ['auto', 'combined', 'common', 'json'] }, since: { type: 'string', describe: 'Only from this time' } },
    }),
    defineCommand({ name: 'summary', summary: 'One summary record', output: 'record', flags: { top: { type: 'number', alias: 'n', describe: 'Routes to list', arg: 'N' } } }),
  ],
})
const defs: Record<string, CommandDef<any>> = {
  loglens,
  ls: defineCommand({ name: 'ls', summary: 'List a folder', output: 'records', args: [{ name: 'path', type: 'path', optional: true, describe: 'a folder' }] }),
  cd: defineCommand({ name: 'cd', summary: 'Change folder', args: [{ name: 'dir', type: 'path', describe: 'where to go' }] }),
}

const src: CompletionSource = {
  cwd: dir,
  home: dir,
  rawNames: new Set(['where']),
  builtins: () => Object.keys(defs),
  functions: () => ['logtail'],
  externals: () => ['less', 'logger'],
  command: async n => defs[n],
  variables: () => ['count', 'colors'],
  env: () => ({ HOME: dir, PATH: '/bin' }),
}

const run = async (text: string, cursor = text.length) => {
  const c = await complete(text, cursor, src)
  return { c, inserts: c.candidates.map(x => x.insert) }
}

test('commands: builtins, functions and PATH programs, with summaries', async () => {
  const { c, inserts } = await run('logl')
  assert.equal(inserts, ['loglens'])
  assert.is(c.candidates[0]!.description, 'Streaming web-log analysis')
  assert.is(applyCandidate('logl', c, c.candidates[0]!).text, 'loglens ')
  assert.equal((await run('lo')).inserts, ['logger', 'loglens', 'logtail'])
  assert.equal((await run('ls | lo')).inserts, ['logger', 'loglens', 'logtail'], 'after a pipe, a command again')
  assert.equal((await run('^l')).inserts, ['less', 'logger'], '^ forces an external')
})

test('subcommands, then the flags of the chosen subcommand with descriptions', async () => {
  assert.equal((await run('loglens ')).inserts, ['parse', 'summary'])
  const { c } = await run('loglens parse --')
  assert.equal(c.candidates.map(x => x.insert), ['--format', '--since', '--json', '--help'])
  assert.is(c.candidates[0]!.description, 'Log format [auto|combined|common|json]')
  assert.equal((await run('loglens summary -')).inserts, ['--top', '--json', '--help'])
  assert.equal((await run('loglens summary -n')).inserts, ['-n'], 'a short flag by its alias')
})

test('every builtin completes its flags with the words its --help uses, --json and --help included', async () => {
  const builtins = new CommandSet()
  const real: CompletionSource = { ...src, builtins: () => builtins.names(), command: n => builtins.load(n) }
  for (const name of builtins.names()) {
    const def = (await builtins.load(name))!
    if (def.rawArgs) continue // the rest of the line is an expression
    for (const target of def.subcommands?.length ? def.subcommands : [def]) {
      const line = target === def ? `${name} --` : `${name} ${target.name} --`
      const flat = renderHelp(target).replace(/\s+/g, ' ')
      const cands = (await complete(line, line.length, real)).candidates
      assert.ok(cands.some(c => c.insert === '--help'), `${line} offers --help`)
      if (/--json/.test(flat)) assert.ok(cands.some(c => c.insert === '--json'), `${line} offers --json`)
      for (const c of cands) {
        assert.ok(flat.includes(`${c.insert}`), `${line}: ${c.insert} is in --help`)
        assert.ok(flat.includes(c.description!), `${line}: '${c.description}' is the --help wording`)
      }
    }
  }
})

test('flag values from choices, after a space or an =', async () => {
  assert.equal((await run('loglens parse --format c')).inserts, ['combined', 'common'])
  const { c, inserts } = await run('loglens parse --format=j')
  assert.equal(inserts, ['json'])
  assert.is(applyCandidate('loglens parse --format=j', c, c.candidates[0]!).text, 'loglens parse --format=json ')
})

test('paths: files and folders, hidden ones only when asked, folders end in /', async () => {
  assert.equal((await run('ls we')).inserts, ['web.log', 'web.log.gz'])
  assert.is(commonPrefix((await run('ls we')).c.candidates), 'web.log')
  assert.equal((await run('ls s')).inserts, ['src/'])
  assert.is((await run('ls s')).c.candidates[0]!.whole, false, 'a folder takes no space after it')
  assert.equal((await run('ls .h')).inserts, ['.hidden'])
  assert.not.ok((await run('ls ')).inserts.includes('.hidden'))
  assert.equal((await run('cd ')).inserts, ['my\\ dir/', 'src/'], 'cd completes folders only')
  assert.equal((await run('./r')).inserts, ['./run.sh'], 'a path in command position: executables')
})

test('paths with spaces: escaped, or in the quote they were started with', async () => {
  assert.equal((await run('ls my')).inserts, ['my\\ dir/'])
  assert.equal((await run('ls my\\ dir/n')).inserts, ['my\\ dir/notes.txt'])
  assert.equal((await run("ls 'my d")).inserts, ["'my dir/"])
  assert.equal((await run("ls 'my dir/no")).inserts, ["'my dir/notes.txt'"], 'a file closes the quote')
  assert.equal((await run('ls "my dir/no')).inserts, ['"my dir/notes.txt"'])
  assert.equal((await run('ls ~/we')).inserts, ['~/web.log', '~/web.log.gz'])
})

test('variables, $env. and ${...}', async () => {
  assert.equal((await run('echo $co')).inserts, ['$colors', '$count'])
  assert.equal((await run('echo $env.PA')).inserts, ['$env.PATH'])
  assert.equal((await run('echo ${cou')).inserts, ['${count}'])
  assert.equal((await run('echo "total: $cou')).inserts, ['$count'], 'inside double quotes too')
})

test('nothing starts so: names containing what was typed, then names with its letters in order', async () => {
  const fuzzy = mkdtempSync(join(tmpdir(), 'fsh-fuzzy-'))
  mkdirSync(join(fuzzy, 'docs'))
  mkdirSync(join(fuzzy, 'dist'))
  writeFileSync(join(fuzzy, 'docs', 'guide.md'), '')
  writeFileSync(join(fuzzy, 'docs', 'api.md'), '')
  writeFileSync(join(fuzzy, 'notes.md'), '')
  writeFileSync(join(fuzzy, 'Notebook.txt'), '')
  const at = { ...src, cwd: fuzzy }
  const inserts = async (text: string) => (await complete(text, text.length, at)).candidates.map(c => c.insert)
  assert.equal(await inserts('cat otes'), ['notes.md'], 'substring')
  assert.equal(await inserts('cat nts'), ['notes.md'], 'subsequence')
  assert.equal(await inserts('cat note'), ['notes.md'], 'a prefix match hides the others')
  assert.equal(await inserts('cat NOTE'), ['Notebook.txt', 'notes.md'], 'then the start ignoring case')
  assert.equal(await inserts('cat d/g'), ['docs/guide.md'], 'folder by folder')
  assert.equal(await inserts('cat ds/gui'), ['docs/guide.md'])
  const c = await complete('cat d/g', 7, at)
  assert.is(c.candidates[0]!.label, 'docs/guide.md', 'a corrected folder shows in the menu')
  assert.is(applyCandidate('cat d/g', c, c.candidates[0]!).text, 'cat docs/guide.md ')
  assert.equal(await inserts('cat docs/md'), ['docs/api.md', 'docs/guide.md'], 'a folder typed whole stays')
  assert.equal((await run('lgt')).inserts, ['logtail'], 'commands too')
  assert.equal((await run('loglens summary --op')).inserts, ['--top'], 'and long flags')
  assert.equal((await run('loglens parse --format mb')).inserts, ['combined'], 'and values')
})

test('help completes the names help takes: commands of the shell, then their subcommands', async () => {
  const help = defineCommand({ name: 'help', summary: 'Help', args: [{ name: 'command', type: 'string', optional: true, describe: 'c' }, { name: 'sub', type: 'string', optional: true, describe: 's' }], complete: 'builtins' })
  const withHelp: CompletionSource = { ...src, builtins: () => [...Object.keys(defs), 'help'], command: async n => (n === 'help' ? help : defs[n]) }
  const inserts = async (text: string) => (await complete(text, text.length, withHelp)).candidates.map(c => c.insert)
  assert.equal(await inserts('help l'), ['loglens', 'ls'], 'no functions, keywords or programs (logtail, less, logger)')
  assert.equal(await inserts('help loglens s'), ['summary'])
  assert.equal(await inserts('help ls '), [])
})

test('flags of a program on PATH from its --help, with descriptions, only after a -', async () => {
  const asked: string[] = []
  const withFlags: CompletionSource = { ...src, externalFlags: async n => { asked.push(n); return [{ flag: '-a', description: 'all' }, { flag: '--all', description: 'all' }, { flag: '--width=', description: 'columns' }] } }
  const c = await complete('less --w', 8, withFlags)
  assert.equal(c.candidates.map(x => [x.insert, x.description]), [['--width=', 'columns']])
  assert.is(applyCandidate('less --w', c, c.candidates[0]!).text, 'less --width=', 'no space after an =')
  assert.equal((await complete('less -', 6, withFlags)).candidates.map(x => x.insert), ['-a', '--all', '--width='])
  await complete('less we', 7, withFlags)
  assert.equal(asked, ['less', 'less'], 'not asked for a file name')
})

test('completion in the middle of a line keeps what follows', async () => {
  const text = 'logl | first 3'
  const { c } = await run(text, 4)
  assert.equal(applyCandidate(text, c, c.candidates[0]!), { text: 'loglens | first 3', cursor: 7 })
})

test.run()
