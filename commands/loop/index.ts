// `loop`: Node's event loop, made visible. Its `:loop` REPL view is view.tsx, loaded when opened.
import { defineCommand } from '../../src/prelude.ts'
import trace from './trace.ts'

export default defineCommand({
  name: 'loop',
  summary: "Node's event loop, made visible: trace a program's callbacks, phase by phase",
  description: 'In the REPL, `:loop` (or `:loop FILE.js`) replays a trace as an animation.',
  subcommands: [trace],
  replView: {
    usage: '[FILE.js]',
    summary: "watch JavaScript run on Node's event loop (paste it when no file is given)",
    code: { prompt: 'js', hint: 'paste or type JavaScript; Ctrl-D runs it, Ctrl-C cancels' },
    show: async (req, opts) => (await import('./view.tsx')).showLoop(req, opts),
  },
})
