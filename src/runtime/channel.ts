// A one-slot hand-off between a pushing producer (a block, a function body) and a pulling consumer
// (the next stage). The producer waits until its item is taken: backpressure with no buffer.
import type { Item } from '../base/values.ts'

export class Channel implements AsyncIterable<Item> {
  private slot: { item: Item; taken: () => void } | undefined
  private waiter: (() => void) | undefined
  private closed = false
  private cancelled = false

  /** Resolves when the consumer has taken the item; throws if the consumer went away. */
  push(item: Item): Promise<void> {
    if (this.cancelled) return Promise.reject(new ChannelClosed())
    return new Promise<void>((resolve, reject) => {
      this.slot = { item, taken: () => (this.cancelled ? reject(new ChannelClosed()) : resolve()) }
      this.wake()
    })
  }

  close(): void {
    this.closed = true
    this.wake()
  }

  private wake(): void {
    const w = this.waiter
    this.waiter = undefined
    w?.()
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Item> {
    try {
      for (;;) {
        if (this.slot) {
          const { item, taken } = this.slot
          this.slot = undefined
          taken()
          yield item
          continue
        }
        if (this.closed) return
        await new Promise<void>(r => (this.waiter = r))
      }
    } finally {
      // The consumer stopped early: the producer's next push fails and it stops.
      this.cancelled = true
      const s = this.slot
      this.slot = undefined
      s?.taken()
    }
  }
}

/** Raised in a producer whose consumer stopped reading; not an error to report. */
export class ChannelClosed extends Error {
  constructor() {
    super('the reader went away')
    this.name = 'ChannelClosed'
  }
}
