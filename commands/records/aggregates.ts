// The aggregates of group-by: per group, a few numbers (and a bounded percentile) per column.
import { describe } from '../../src/expr/index.ts'
import { FshError, type Rec, type Value } from '../../src/prelude.ts'
import { fieldGetter } from './field-path.ts'
import { Percentile } from './percentile.ts'
import { compareNonNull } from './value-order.ts'
import { setField } from '../../src/base/fields.ts'

export type AggKind = 'sum' | 'avg' | 'min' | 'max' | 'p95'
export const AGG_KINDS: readonly AggKind[] = ['sum', 'avg', 'min', 'max', 'p95']

export interface AggSpec { kind: AggKind; column: string; get: (v: Value) => Value; out: string }

export function aggSpecs(flags: Partial<Record<AggKind, string[]>>): AggSpec[] {
  const specs: AggSpec[] = []
  for (const kind of AGG_KINDS) {
    for (const list of flags[kind] ?? []) {
      for (const column of list.split(',').map(s => s.trim()).filter(Boolean)) {
        specs.push({ kind, column, get: fieldGetter(column), out: `${kind}_${column}` })
      }
    }
  }
  return specs
}

/** Running state of one aggregate in one group. */
export class AggState {
  private sum = 0
  private n = 0
  private best: Value = null
  private pct: Percentile | undefined

  constructor(private readonly spec: AggSpec) {
    if (spec.kind === 'p95') this.pct = new Percentile()
  }

  add(record: Value, recordNo: number): void {
    const v = this.spec.get(record)
    if (v === null) return
    const kind = this.spec.kind
    if (kind === 'min' || kind === 'max') {
      if (this.best === null) this.best = v
      else {
        const c = compareNonNull(v, this.best)
        if (kind === 'min' ? c < 0 : c > 0) this.best = v
      }
      return
    }
    if (typeof v !== 'number') {
      throw new FshError(1, `--${kind} ${this.spec.column}: ${this.spec.column} is ${describe(v)} in record ${recordNo}, not a number`)
    }
    this.n++
    if (kind === 'p95') this.pct!.add(v)
    else this.sum += v
  }

  result(): Value {
    switch (this.spec.kind) {
      case 'sum': return this.sum
      case 'avg': return this.n ? this.sum / this.n : null
      case 'p95': return this.pct!.get(95)
      default: return this.best
    }
  }
}

export function finishGroup(key: Rec, count: number | undefined, states: AggState[], specs: AggSpec[]): Rec {
  const r: Rec = { ...key }
  if (count !== undefined) r.count = count
  for (let i = 0; i < specs.length; i++) setField(r, specs[i]!.out, states[i]!.result())
  return r
}
