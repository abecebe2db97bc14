// The report a person reads on stderr after a run, and the one a program reads (--report, NDJSON).
import { renderTable } from '../../src/runtime/render.ts'
import { formatBytes, formatDuration, toJson } from '../../src/prelude.ts'
import type { StepRecord } from './supervisor.ts'

/** Lines of a failed step's stderr repeated under the table: enough to see why, once output scrolled away. */
const TAIL_LINES = 5

export function reportTable(records: StepRecord[]): string {
  const rows = records.map(r => ({
    step: r.step,
    status: r.status,
    exit: r.exit_code ?? '-',
    signal: r.signal ?? '-',
    time: r.duration_ms === null ? '-' : formatDuration(r.duration_ms),
    bytes: r.bytes_out === null ? '-' : formatBytes(r.bytes_out),
    cmd: r.cmd,
  }))
  let text = renderTable(rows)
  for (const r of records) {
    if (r.status !== 'failed' || !r.stderr_tail) continue
    const lines = r.stderr_tail.replace(/\n+$/, '').split('\n').slice(-TAIL_LINES)
    text += `step ${r.step} stderr (last ${lines.length === 1 ? 'line' : `${lines.length} lines`}):\n${lines.map(l => `  ${l}`).join('\n')}\n`
  }
  return text
}

export function reportNdjson(records: StepRecord[]): string {
  return records.map(r => toJson(r)).join('\n') + '\n'
}
