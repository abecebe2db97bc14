// The `:pilot` view: the supervised programs as a live table, refreshed every second. ↑/↓ picks
// one, r restarts it, s stops it, q back to the prompt.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Box, render, Text, useApp, useInput } from 'ink'
import { useEffect, useRef, useState } from 'react'
import { formatBytes } from '../../src/prelude.ts'
import { connectDaemon, pilotDir, request } from '../../src/pilot/client.ts'
import { DB_NAME, type ProgramRow } from '../../src/pilot/daemon.ts'
import { fshDirs } from '../../src/state/dirs.ts'

export interface PilotViewProps {
  load(): Promise<ProgramRow[]>
  act(op: 'restart' | 'stop', name: string): Promise<void>
  onExit(): void
  intervalMs?: number
}

const COLOR: Record<string, string> = { online: 'green', starting: 'cyan', backoff: 'yellow', stopping: 'yellow', stopped: 'gray', errored: 'red' }
const COLUMNS = ['name', 'pid', 'status', 'restarts', 'uptime', 'rss', 'cpu', 'last exit'] as const

function cells(r: ProgramRow): string[] {
  const up = r.uptime_s === null ? '' : r.uptime_s < 60 ? `${r.uptime_s}s` : r.uptime_s < 3600 ? `${Math.floor(r.uptime_s / 60)}m` : `${Math.floor(r.uptime_s / 3600)}h`
  return [r.name, r.pid === null ? '' : String(r.pid), r.status, String(r.restarts), up, r.rss_bytes === null ? '' : formatBytes(r.rss_bytes), r.cpu === null ? '' : `${r.cpu}%`, r.last_exit ?? '']
}

export function PilotView({ load, act, onExit, intervalMs = 1000 }: PilotViewProps) {
  const { exit } = useApp()
  const [rows, setRows] = useState<ProgramRow[] | undefined>()
  const [problem, setProblem] = useState('')
  const [note, setNote] = useState('')
  const [selected, setSelected] = useState(0)
  const [tick, setTick] = useState(0)

  useEffect(() => {
    let live = true
    load().then(r => { if (live) { setRows(r); setProblem('') } }, (e: Error) => { if (live) setProblem(e.message) })
    const t = setTimeout(() => setTick(n => n + 1), intervalMs)
    return () => { live = false; clearTimeout(t) }
  }, [tick])

  // Keys read the latest rows and choice from refs: a key may come before its handler is renewed.
  const latest = useRef({ rows, selected })
  latest.current.rows = rows
  useInput((input, key) => {
    if (input === 'q' || key.escape || (key.ctrl && input === 'c')) { onExit(); exit(); return }
    const now = latest.current
    const last = Math.max(0, (now.rows?.length ?? 1) - 1)
    if (key.upArrow || key.downArrow) {
      now.selected = Math.min(last, Math.max(0, now.selected + (key.upArrow ? -1 : 1)))
      setSelected(now.selected)
    }
    const row = now.rows?.[now.selected]
    if (row && (input === 'r' || input === 's')) {
      const op = input === 'r' ? 'restart' : 'stop'
      setNote(`${op} ${row.name} …`)
      act(op, row.name).then(() => { setNote(`${op} ${row.name}: done`); setTick(n => n + 1) }, (e: Error) => setNote(`${op} ${row.name}: ${e.message}`))
    }
  })

  const table = (rows ?? []).map(cells)
  const widths = COLUMNS.map((h, k) => Math.max(h.length, ...table.map(c => c[k]!.length)))
  const padded = (c: readonly string[]) => c.map((v, k) => (k === 0 || k === 2 || k === 7 ? v.padEnd(widths[k]!) : v.padStart(widths[k]!)))
  return (
    <Box flexDirection="column">
      <Text bold>fsh :pilot — {rows ? `${rows.length} program${rows.length === 1 ? '' : 's'}` : 'asking the daemon …'}</Text>
      {problem ? <Text color="red">{problem}</Text> : null}
      <Text dimColor>{'  '}{padded(COLUMNS).join('  ')}</Text>
      {table.map((c, i) => {
        const p = padded(c)
        return (
          // Marked, not only inverse: a terminal without colour shows the choice too.
          <Text key={c[0]} inverse={i === selected}>
            {i === selected ? '› ' : '  '}{p.slice(0, 2).join('  ')}  <Text color={COLOR[c[2]!]}>{p[2]}</Text>  {p.slice(3).join('  ')}
          </Text>
        )
      })}
      {rows && !rows.length ? <Text dimColor>Nothing supervised: pilot start NAME -- CMD starts something.</Text> : null}
      {note ? <Text>{note}</Text> : null}
      <Text dimColor>↑/↓ choose · r restart · s stop · q back to the prompt</Text>
    </Box>
  )
}

/** What the REPL calls for `:pilot`: the view until q, on the daemon of the shell's state dir. */
export async function showPilot(opts: { env: Record<string, string>; signal: AbortSignal }): Promise<number> {
  const dir = pilotDir(fshDirs(opts.env).state)
  const ask = async (req: Record<string, unknown>) => {
    const sock = await connectDaemon(dir, opts.env, existsSync(join(dir, DB_NAME)))
    return sock ? request(sock, req, opts.signal) : { rows: [] }
  }
  const app = render(
    <PilotView load={async () => (await ask({ op: 'ls' })).rows as ProgramRow[]} act={async (op, name) => { await ask({ op, name }) }} onExit={() => {}} />,
    { exitOnCtrlC: false },
  )
  const quit = () => app.unmount()
  opts.signal.addEventListener('abort', quit, { once: true })
  try {
    await app.waitUntilExit()
  } finally {
    opts.signal.removeEventListener('abort', quit)
  }
  return 0
}
