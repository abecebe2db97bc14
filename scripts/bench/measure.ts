// Small helpers shared by the benchmarks: medians, peak RSS of a child, a printed table.
import { spawn } from 'node:child_process'

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/**
 * `sh -c CMD` under /usr/bin/time: wall milliseconds, CPU milliseconds (user + system of every
 * process of the command: what stays comparable when other work shares the machine) and peak RSS.
 */
export function run(cmd: string, opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ ms: number; cpuMs: number; rssMb: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint()
    const child = spawn('/usr/bin/time', ['-f', '%M %U %S', 'sh', '-c', cmd], { cwd: opts.cwd, env: { ...process.env, ...opts.env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', c => (stdout += c))
    child.stderr.on('data', c => (stderr += c))
    child.on('error', reject)
    child.on('close', code => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6
      if (code !== 0) return reject(new Error(`${cmd} exited ${code}: ${stderr.slice(-500)}`))
      const [kb, user, sys] = stderr.trim().split('\n').pop()!.split(' ').map(Number)
      resolve({ ms, cpuMs: (user! + sys!) * 1000, rssMb: kb! / 1024, stdout })
    })
  })
}

export function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map(r => (r[k] ?? '').length)))
  const line = (r: string[]) => r.map((c, k) => (k === 0 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('  ')
  console.log(line(header))
  for (const r of rows) console.log(line(r))
}
