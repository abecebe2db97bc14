// Placeholder line REPL until the Ink REPL lands: prompt, run, repeat.
import { createInterface } from 'node:readline/promises'
import { cliIO, createCliShell } from '../cli.ts'

export async function startRepl({ env }: { env: Record<string, string> }): Promise<number> {
  const shell = createCliShell(env)
  const rl = createInterface({ input: process.stdin, output: process.stdout })
  for (;;) {
    let line: string
    try { line = await rl.question(`${shell.cwd} ${shell.lastExit ? `[${shell.lastExit}] ` : ''}> `) } catch { return shell.lastExit }
    const controller = new AbortController()
    const onInt = () => controller.abort()
    rl.once('SIGINT', onInt)
    const r = await shell.execute(line, cliIO(false), { signal: controller.signal })
    rl.off('SIGINT', onInt)
    if (r.exited) { rl.close(); return r.status }
  }
}
