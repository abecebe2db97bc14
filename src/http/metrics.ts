// Request counters and a latency histogram in the Prometheus text format. Counting costs a Map
// lookup and a few additions per request; the text is built only when /metrics is asked for.

/** Upper bounds of the latency buckets, in seconds. */
const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

export class HttpMetrics {
  private readonly requests = new Map<string, number>()
  private readonly buckets = new Float64Array(BUCKETS.length + 1)
  private sum = 0
  private count = 0

  observe(method: string, route: string, status: number, latencyMs: number): void {
    const key = method + ' ' + status + ' ' + route
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1)
    const s = latencyMs / 1000
    let i = 0
    while (i < BUCKETS.length && s > BUCKETS[i]!) i++
    this.buckets[i]!++
    this.sum += s
    this.count++
  }

  /** The exposition text; `gauges` adds current values (in-flight requests, SSE clients...). */
  render(gauges: Record<string, { help: string; value: number }> = {}): string {
    let out = '# HELP http_requests_total Requests answered, by method, status and route.\n# TYPE http_requests_total counter\n'
    for (const [key, n] of this.requests) {
      const [method, status, route] = splitKey(key)
      out += `http_requests_total{method="${label(method)}",status="${status}",route="${label(route)}"} ${n}\n`
    }
    out += '# HELP http_request_duration_seconds Time from the request to the end of the response.\n# TYPE http_request_duration_seconds histogram\n'
    let cumulative = 0
    for (let i = 0; i < BUCKETS.length; i++) {
      cumulative += this.buckets[i]!
      out += `http_request_duration_seconds_bucket{le="${BUCKETS[i]}"} ${cumulative}\n`
    }
    out += `http_request_duration_seconds_bucket{le="+Inf"} ${this.count}\n`
    out += `http_request_duration_seconds_sum ${this.sum}\nhttp_request_duration_seconds_count ${this.count}\n`
    for (const name in gauges) {
      const g = gauges[name]!
      out += `# HELP ${name} ${g.help}\n# TYPE ${name} gauge\n${name} ${g.value}\n`
    }
    return out
  }
}

function splitKey(key: string): [string, string, string] {
  const a = key.indexOf(' ')
  const b = key.indexOf(' ', a + 1)
  return [key.slice(0, a), key.slice(a + 1, b), key.slice(b + 1)]
}

const label = (v: string): string => v.replace(/[\\"\n]/g, c => (c === '\n' ? '\\n' : '\\' + c))
