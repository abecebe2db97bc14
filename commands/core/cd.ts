import { statSync } from 'node:fs'
import { defineCommand } from '../../src/prelude.ts'

export default defineCommand({
  name: 'cd',
  summary: 'Change the working directory of this shell',
  description: 'With no argument, goes to $HOME; `cd -` goes back to the previous directory ($OLDPWD).',
  args: [{ name: 'dir', type: 'path', optional: true, describe: 'where to go; - for the previous directory' }],
  output: 'none',
  examples: [
    { line: 'cd sub; pwd', files: { 'sub/a.txt': 'a' }, output: '{TMP}/sub' },
    { line: 'cd sub; cd -; pwd', files: { 'sub/a.txt': 'a' }, output: '{TMP}' },
  ],
  run(ctx) {
    const [arg] = ctx.args
    const target = arg === undefined ? ctx.env.HOME ?? ctx.resolve('~') : arg === '-' ? ctx.env.OLDPWD : ctx.resolve(arg)
    if (!target) return ctx.fail('OLDPWD is not set')
    let st
    try { st = statSync(target) } catch { return ctx.fail(`${arg}: no such file or directory`) }
    if (!st.isDirectory()) ctx.fail(`${arg}: not a directory`)
    const env = ctx.shell.env
    env.OLDPWD = ctx.shell.cwd
    ctx.shell.chdir(target)
    env.PWD = target
  },
})
