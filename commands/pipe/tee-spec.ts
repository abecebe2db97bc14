// `--tee FILE` copies what the pipeline prints; `--tee N:FILE` copies the output of step N.
export interface TeeSpec {
  /** 0-based step index; undefined for the pipeline's output. */
  step?: number
  path: string
}

export function parseTee(value: string, steps: number): TeeSpec | string {
  const m = /^(\d+):(.+)$/.exec(value)
  if (!m) return value ? { path: value } : 'needs a FILE'
  const n = Number(m[1])
  if (n < 1 || n > steps) return `'${value}': there is no step ${n} (steps are 1 to ${steps})`
  // The output of the last step is the pipeline's output.
  return n === steps ? { path: m[2]! } : { step: n - 1, path: m[2]! }
}
