// Where the child's preload lives: beside this module in the source tree, or, from a bundle in
// dist/, in the package's src/loop/ (the preload is plain JavaScript and is shipped as it is).
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

let found: string | undefined

export function preloadPath(): string {
  if (found) return found
  const here = dirname(fileURLToPath(import.meta.url))
  const candidates = [join(here, 'preload.cjs'), join(here, 'loop-preload.cjs')]
  for (let dir = here; dir !== dirname(dir); dir = dirname(dir)) candidates.push(join(dir, 'src', 'loop', 'preload.cjs'))
  found = candidates.find(p => existsSync(p))
  if (!found) throw new Error('the event-loop tracer (src/loop/preload.cjs) is missing from this installation')
  return found
}
