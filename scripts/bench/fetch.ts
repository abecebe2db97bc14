// fetch beside curl, both against the same nginx on 127.0.0.1 (a temp config and root; a Node
// server when nginx is missing), median of N rounds:
//  - one big download to /dev/null and to a file, with --out and as stdout: MB/s, and fsh's peak RSS (the goal: at most 80 MB);
//    fetch fsyncs the file before its rename, curl does not: `curl -o FILE && sync FILE` (coreutils
//    fsyncs that one file) is curl with the same promise, to tell how much of the gap the fsync is;
//  - many small GETs: `fetch --each --concurrency 16` (one process, keep-alive connections) beside
//    `xargs -P16 curl` (a process and a connection per URL).
//   node --import tsx scripts/bench/fetch.ts [--mb N] [--gets N] [--runs N]     (FETCH_BENCH_MB too)
// Each case's result is checked: the file's size, the count of responses.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import { createReadStream } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { median, run, table } from './measure.ts'
import { freePort } from '../snapshots.ts'

const args = process.argv.slice(2)
const opt = (name: string, dflt: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt)
const MB = opt('--mb', Number(process.env.FETCH_BENCH_MB ?? 1024))
const GETS = opt('--gets', 1000)
const RUNS = opt('--runs', 3)
const BYTES = MB * 1024 * 1024
const FSH = `${process.execPath} ${resolve(process.env.FSH_BIN ?? 'bin/fsh.js')}`
const DIR = mkdtempSync(join(tmpdir(), 'fsh-bench-fetch-'))
const ROOT = join(DIR, 'root')

spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { stdio: 'inherit' })
// nginx's workers may run as another user: the root must be readable to them.
chmodSync(DIR, 0o755)
mkdirSync(ROOT)
// A sparse file: the server reads zeros from the page cache, the disk stays out of the figures.
const fd = openSync(join(ROOT, 'big.bin'), 'w')
ftruncateSync(fd, BYTES)
closeSync(fd)
writeFileSync(join(ROOT, 'small.txt'), 'a small response body\n')

const port = await freePort()
const base = `http://127.0.0.1:${port}`
const server = await startServer()
const urls = Array.from({ length: GETS }, (_, i) => `${base}/small.txt?${i}`)
writeFileSync(join(DIR, 'urls.txt'), urls.join('\n') + '\n')
writeFileSync(join(DIR, 'urls.ndjson'), urls.map(u => JSON.stringify(u)).join('\n') + '\n')
const out = join(DIR, 'out.bin')
const fileSize = `; stat -c %s ${out}; rm -f ${out}`

interface Case { group: string; name: string; cmd: string; expect: string; bytes?: number }
const cases: Case[] = [
  { group: 'null', name: `curl ${MB} MiB to /dev/null`, cmd: `curl -sf -o /dev/null ${base}/big.bin && echo ok`, expect: 'ok', bytes: BYTES },
  { group: 'null', name: `fetch ${MB} MiB --out /dev/null`, cmd: `${FSH} -c 'fetch --out /dev/null ${base}/big.bin' && echo ok`, expect: 'ok', bytes: BYTES },
  { group: 'null', name: `fetch ${MB} MiB > /dev/null`, cmd: `${FSH} -c 'fetch ${base}/big.bin' > /dev/null && echo ok`, expect: 'ok', bytes: BYTES },
  { group: 'file', name: `curl ${MB} MiB to a file`, cmd: `curl -sf -o ${out} ${base}/big.bin${fileSize}`, expect: String(BYTES), bytes: BYTES },
  { group: 'file', name: `curl ${MB} MiB to a file, sync FILE`, cmd: `curl -sf -o ${out} ${base}/big.bin && sync ${out}${fileSize}`, expect: String(BYTES), bytes: BYTES },
  { group: 'file', name: `fetch ${MB} MiB --out FILE`, cmd: `${FSH} -c 'fetch --out ${out} ${base}/big.bin'${fileSize}`, expect: String(BYTES), bytes: BYTES },
  { group: 'file', name: `fetch ${MB} MiB > FILE`, cmd: `${FSH} -c 'fetch ${base}/big.bin' > ${out}${fileSize}`, expect: String(BYTES), bytes: BYTES },
  { group: 'gets', name: `xargs -P16 curl, ${GETS} GETs`, cmd: `xargs -P16 -n1 curl -sf < ${join(DIR, 'urls.txt')} | wc -l`, expect: String(GETS) },
  { group: 'gets', name: `fetch --each --concurrency 16, ${GETS} GETs`, cmd: `${FSH} -c 'open ${join(DIR, 'urls.ndjson')} | fetch --each --concurrency 16 --meta | where status == 200 | count'`, expect: String(GETS) },
]

// The download alone, as each tool times its own (curl's -w time_total; fetch --meta's time_ms),
// without the process's start, which is timed beside: node's own and fsh's.
const rateCases = [
  { name: 'curl to /dev/null', cmd: `curl -sf -o /dev/null -w '%{size_download} %{time_total}' ${base}/big.bin` },
  { name: 'fetch --out /dev/null', cmd: `${FSH} -c 'fetch --out /dev/null --meta ${base}/big.bin | to json'` },
  { name: 'curl to a file', cmd: `curl -sf -o ${out} -w '%{size_download} %{time_total}' ${base}/big.bin; rm -f ${out}` },
  { name: 'fetch --out FILE', cmd: `${FSH} -c 'fetch --out ${out} --meta ${base}/big.bin | to json'; rm -f ${out}` },
]
const starts = [{ name: 'node -e 0', cmd: `${process.execPath} -e 0` }, { name: "fsh -c 'true'", cmd: `${FSH} -c true` }]
/** MB/s from what the tool printed: curl's "bytes seconds", fetch's --meta record. */
function rateOf(printed: string): number {
  const t = printed.trim()
  if (t.startsWith('{')) { const m = JSON.parse(t) as { bytes: number; time_ms: number }; return m.bytes / 1e6 / (m.time_ms / 1000) }
  const [bytes, secs] = t.split(' ').map(Number)
  return bytes! / 1e6 / secs!
}

const times = new Map<string, number[]>()
const cpus = new Map<string, number[]>()
const rss = new Map<string, number[]>()
const rates = new Map<string, number[]>()
try {
  for (let round = 0; round < RUNS; round++) {
    for (const c of rateCases) rates.set(c.name, [...(rates.get(c.name) ?? []), rateOf((await run(c.cmd)).stdout)])
    for (const c of starts) times.set(c.name, [...(times.get(c.name) ?? []), (await run(c.cmd)).ms])
    for (const c of cases) {
      const r = await run(c.cmd)
      if (r.stdout.trim() !== c.expect) {
        console.error(`${c.name}: printed ${JSON.stringify(r.stdout.trim().slice(0, 40))}, not ${c.expect}`)
        process.exitCode = 1
      }
      times.set(c.name, [...(times.get(c.name) ?? []), r.ms])
      cpus.set(c.name, [...(cpus.get(c.name) ?? []), r.cpuMs])
      rss.set(c.name, [...(rss.get(c.name) ?? []), r.rssMb])
    }
  }
} finally {
  server.kill()
  rmSync(DIR, { recursive: true, force: true })
}

const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
console.log(`${server.what} on 127.0.0.1; median of ${RUNS}; load average at the end ${load}; ratios: the group's first (curl) median over the case's, above 1: faster than curl`)
console.log('(CPU is user + system of the command, client only: what other work on the machine does not stretch)\n')
const firstOf = new Map<string, [number, number]>()
table(['case', 'median ms', 'MB/s', 'CPU ms', 'peak RSS MB', 'vs curl', 'CPU vs curl'], cases.map(c => {
  const ms = median(times.get(c.name)!)
  const cpu = median(cpus.get(c.name)!)
  if (!firstOf.has(c.group)) firstOf.set(c.group, [ms, cpu])
  const [curlMs, curlCpu] = firstOf.get(c.group)!
  return [c.name, ms.toFixed(0), c.bytes ? (c.bytes / 1e6 / (ms / 1000)).toFixed(0) : '', cpu.toFixed(0), median(rss.get(c.name)!).toFixed(0), (curlMs / ms).toFixed(2), (curlCpu / cpu).toFixed(2)]
}))
const [synced, fetched] = cases.filter(c => c.group === 'file').slice(1, 3).map(c => [median(times.get(c.name)!), median(cpus.get(c.name)!)] as const)
console.log(`\nfetch --out FILE vs curl -o FILE && sync FILE (both fsync): ${(synced![0] / fetched![0]).toFixed(2)}, CPU ${(synced![1] / fetched![1]).toFixed(2)}`)
console.log('\nthe download alone, as each tool times it (MB/s, median), and the start of a process:')
table(['case', 'MB/s', 'vs curl'], rateCases.map((c, k) => {
  const r = median(rates.get(c.name)!)
  return [c.name, r.toFixed(0), k % 2 ? (r / median(rates.get(rateCases[k - 1]!.name)!)).toFixed(2) : '1.00']
}))
for (const c of starts) console.log(`${c.name}: ${median(times.get(c.name)!).toFixed(0)} ms`)

/** nginx on a temp config in the foreground, or a Node server when nginx is not installed. */
async function startServer(): Promise<{ what: string; kill(): void }> {
  const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx'].find(p => { try { return statSync(p).isFile() } catch { return false } })
  if (nginx) {
    const conf = join(DIR, 'nginx.conf')
    writeFileSync(conf, `daemon off;
worker_processes 1;
pid ${DIR}/nginx.pid;
error_log ${DIR}/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 100000;
  client_body_temp_path ${DIR}/body;
  proxy_temp_path ${DIR}/proxy;
  fastcgi_temp_path ${DIR}/fastcgi;
  uwsgi_temp_path ${DIR}/uwsgi;
  scgi_temp_path ${DIR}/scgi;
  server { listen 127.0.0.1:${port}; root ${ROOT}; }
}
`)
    const child = spawn(nginx, ['-c', conf, '-p', DIR], { stdio: 'ignore' })
    await waitForPort()
    return { what: `nginx (${nginx})`, kill: () => stop(child) }
  }
  const srv = createHttpServer((req, res) => {
    const name = (req.url ?? '/').split('?')[0]!.slice(1)
    const path = join(ROOT, name)
    res.setHeader('content-length', statSync(path).size)
    createReadStream(path).pipe(res)
  }).listen(port, '127.0.0.1')
  await waitForPort()
  return { what: 'node:http (nginx: MISS)', kill: () => srv.close() }
}

function stop(child: ChildProcess): void {
  child.kill('SIGTERM')
}

async function waitForPort(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const r = spawnSync('curl', ['-sf', '-o', '/dev/null', `${base}/small.txt`])
    if (r.status === 0) return
    await new Promise(r => setTimeout(r, 50))
  }
  let log = ''
  try { log = readFileSync(join(DIR, 'error.log'), 'utf8').trim().split('\n').pop() ?? '' } catch {}
  throw new Error(`the server on ${base} did not start${log ? `: ${log}` : ''}`)
}
