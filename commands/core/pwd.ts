import { defineCommand } from '../../src/prelude.ts'

export default defineCommand({
  name: 'pwd',
  summary: 'Print the working directory',
  output: 'any',
  examples: [{ line: 'pwd', output: '{TMP}', description: '{TMP} stands for the directory the example runs in' }],
  run: ctx => ctx.cwd,
})
