// Where this installation's `bin/fsh.js` is, for the processes fsh starts of itself (serve's
// workers, flow's step hosts): found upwards from this module, in src/ or in the built dist/.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The launcher's path, or undefined when this installation lacks it. */
export function fshLauncher(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const bin = join(dir, 'bin', 'fsh.js')
    if (existsSync(bin)) return bin
  }
  return undefined
}
