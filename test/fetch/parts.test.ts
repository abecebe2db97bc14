// The pure pieces of fetch: the event-stream parser, the backoff and Retry-After.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { SseParser, backoffMs, retryAfterMs } from '../../src/fetch/index.ts'

test('events split anywhere, CRLF or CR line ends, comments and unknown fields ignored', () => {
  const p = new SseParser()
  const text = ': hello\r\nid: 7\r\nevent: up\r\ndata: a\r\ndata:b\r\nfoo: x\r\n\r\ndata: c\r\rretry: 250\n'
  const out = []
  for (const ch of text) out.push(...p.feed(ch))
  assert.equal(out, [{ id: '7', event: 'up', data: 'a\nb' }, { id: '7', event: 'message', data: 'c' }])
  assert.is(p.lastEventId, '7')
  assert.is(p.retryMs, 250)
})

test('a half-received event is dropped on reset; the last id stays', () => {
  const p = new SseParser()
  assert.equal(p.feed('id: 1\ndata: x\n\nid: 2\ndata: half'), [{ id: '1', event: 'message', data: 'x' }])
  p.reset()
  assert.equal(p.feed('\n\n'), [])
  assert.is(p.lastEventId, '2')
})

test('full jitter stays under the doubling ceiling, capped', () => {
  const opts = { baseDelayMs: 100, maxDelayMs: 1000 }
  assert.is(backoffMs(1, { ...opts, random: () => 0.999 }), 99)
  assert.is(backoffMs(3, { ...opts, random: () => 0.5 }), 200)
  assert.is(backoffMs(10, { ...opts, random: () => 0.999 }), 999)
  assert.is(backoffMs(10, { ...opts, random: () => 0 }), 0)
})

test('Retry-After in seconds or as an HTTP date', () => {
  assert.is(retryAfterMs('3'), 3000)
  assert.is(retryAfterMs(new Date(10_000).toUTCString(), 4000), 6000)
  assert.is(retryAfterMs('soon'), undefined)
  assert.is(retryAfterMs(undefined), undefined)
})

test.run()
