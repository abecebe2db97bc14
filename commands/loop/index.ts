// `loop`: Node's event loop, made visible (SPEC §4 "loop"). The `:loop` REPL view is view.tsx.
import { defineCommand } from '../../src/prelude.ts'
import trace from './trace.ts'

export default defineCommand({
  name: 'loop',
  summary: "Node's event loop, made visible: trace a program's callbacks, phase by phase",
  description: 'In the REPL, `:loop` (or `:loop FILE.js`) replays a trace as an animation.',
  subcommands: [trace],
})
