// Tests that cannot run here are either a failure or, when the runner says so, a counted skip:
// never a silent pass.
import type { Test } from 'uvu'

/** What was skipped in this run, whole tests or parts of one, for the summary (scripts/test.ts). */
export const skipped: string[] = []

/** For a file whose tests need `tool` and it is missing: one failing test saying so, or a skip
 *  counted in the summary when `envVar`=1 allows it. */
export function missingTool(test: Test, what: string, tool: string, envVar: string): void {
  if (process.env[envVar] === '1') {
    test.skip(what)
    skipped.push(`${what} (${tool} not found; ${envVar}=1)`)
    return
  }
  test(`${what}: ${tool} is needed`, () => {
    throw new Error(`${tool} not found: install it, or set ${envVar}=1 to skip these tests`)
  })
}
