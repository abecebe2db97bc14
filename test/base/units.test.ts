import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parseDuration, parseSize } from '../../src/base/units.ts'

test('durations are milliseconds', () => {
  assert.is(parseDuration('250ms'), 250)
  assert.is(parseDuration('2s'), 2000)
  assert.is(parseDuration('1.5h'), 5_400_000)
  assert.is(parseDuration('abc'), undefined)
})

test('sizes are bytes, decimal and binary', () => {
  assert.is(parseSize('10KB'), 10_000)
  assert.is(parseSize('64KiB'), 65_536)
  assert.is(parseSize('1MB'), 1_000_000)
  assert.is(parseSize('x'), undefined)
})

test.run()
