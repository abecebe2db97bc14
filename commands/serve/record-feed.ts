// The request log on its way into the pipeline: a queue with a cap. When downstream reads slower
// than requests come, records past the cap are dropped and counted; the server never waits on it.
// The reader is woken once per turn of the event loop, not once per record, so the records of all
// the requests answered in one turn travel down the pipeline as one batch.

export class RecordFeed<T> {
  private queue: T[] = []
  private wake: (() => void) | undefined
  private ended = false
  private waking = false
  private readonly wakeNow = (): void => {
    this.waking = false
    this.wake?.()
  }
  /** Records dropped because the queue was full. */
  dropped = 0

  constructor(readonly cap: number) {}

  push(record: T): void {
    if (this.queue.length >= this.cap) {
      this.dropped++
      return
    }
    this.queue.push(record)
    if (this.wake && !this.waking) {
      this.waking = true
      setImmediate(this.wakeNow)
    }
  }

  end(): void {
    this.ended = true
    this.wake?.()
  }

  /** What has come since the last batch, until end() and the queue is empty. */
  async *batches(): AsyncGenerator<T[]> {
    for (;;) {
      if (this.queue.length) {
        const out = this.queue
        this.queue = []
        yield out
        continue
      }
      if (this.ended) return
      await new Promise<void>(resolve => { this.wake = resolve })
      this.wake = undefined
    }
  }
}
