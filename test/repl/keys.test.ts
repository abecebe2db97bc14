import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { PASTE_CAP_CHARS } from '../../src/base/limits.ts'
import { KeyDecoder, type KeyEvent } from '../../src/repl/keys.ts'

const keys = (input: string | Buffer | (string | Buffer)[], flush = false): KeyEvent[] => {
  const d = new KeyDecoder()
  const out: KeyEvent[] = []
  for (const chunk of Array.isArray(input) ? input : [input]) out.push(...d.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk))
  if (flush) out.push(...d.flush())
  return out
}
const k = (name: string, mods: { ctrl?: boolean; alt?: boolean; shift?: boolean } = {}) =>
  ({ t: 'key', name, ctrl: mods.ctrl ?? false, alt: mods.alt ?? false, shift: mods.shift ?? false })

test('typed text arrives as text, Enter and Tab as keys', () => {
  assert.equal(keys('ls -la\r'), [{ t: 'text', text: 'ls -la' }, k('enter')])
  assert.equal(keys('a\tb'), [{ t: 'text', text: 'a' }, k('tab'), { t: 'text', text: 'b' }])
  assert.equal(keys('\n'), [k('enter')], 'type-ahead read in cooked mode ends lines with LF')
})

test('control keys by their letter', () => {
  assert.equal(keys('\x01\x05\x0b\x15\x17\x19\x12\x03\x04'), ['a', 'e', 'k', 'u', 'w', 'y', 'r', 'c', 'd'].map(n => k(n, { ctrl: true })))
  assert.equal(keys('\x7f'), [k('backspace')])
  assert.equal(keys('\x08'), [k('backspace')])
})

test('cursor keys, Home/End, Delete in their xterm and vt forms', () => {
  assert.equal(keys('\x1b[A\x1b[B\x1b[C\x1b[D'), [k('up'), k('down'), k('right'), k('left')])
  assert.equal(keys('\x1bOH\x1bOF\x1b[H\x1b[F\x1b[1~\x1b[4~'), [k('home'), k('end'), k('home'), k('end'), k('home'), k('end')])
  assert.equal(keys('\x1b[3~'), [k('delete')])
})

test('word motions: Alt-B/F, Ctrl-←/→ and Alt-← as ESC ESC [ D', () => {
  assert.equal(keys('\x1bb\x1bf'), [k('b', { alt: true }), k('f', { alt: true })])
  assert.equal(keys('\x1b[1;5D\x1b[1;5C'), [k('left', { ctrl: true }), k('right', { ctrl: true })])
  assert.equal(keys('\x1b[1;3D'), [k('left', { alt: true })])
  assert.equal(keys('\x1b\x1b[D'), [k('left', { alt: true })])
  assert.equal(keys('\x1b\x7f'), [k('backspace', { alt: true })])
})

test('a sequence split across reads is put back together', () => {
  assert.equal(keys(['\x1b', '[', '1;5', 'C']), [k('right', { ctrl: true })])
  assert.equal(keys([Buffer.from([0xc3]), Buffer.from([0xa9])]), [{ t: 'text', text: 'é' }], 'a UTF-8 character split in two reads')
})

test('a lone Escape is known only after a pause', () => {
  const d = new KeyDecoder()
  assert.equal(d.push(Buffer.from('\x1b')), [])
  assert.ok(d.hasPending())
  assert.equal(d.flush(), [k('escape')])
  assert.not.ok(d.hasPending())
})

test('invalid UTF-8 becomes U+FFFD and the rest still decodes', () => {
  const ev = keys(Buffer.from([0x61, 0xff, 0xfe, 0x62, 0x0d]))
  assert.equal(ev, [{ t: 'text', text: 'a\ufffd\ufffdb' }, k('enter')])
})

test('bracketed paste: one event with its newlines, even across reads, nothing executed', () => {
  const ev = keys(['\x1b[200~echo a\r\necho', ' b\recho c\x1b[20', '1~x'])
  assert.equal(ev, [{ t: 'paste', text: 'echo a\necho b\necho c', truncated: false }, { t: 'text', text: 'x' }])
})

test('a paste over the cap is cut and says so', () => {
  const big = 'x'.repeat(PASTE_CAP_CHARS + 10)
  const ev = keys(['\x1b[200~', big, '\x1b[201~'])
  assert.is(ev.length, 1)
  const p = ev[0] as { t: 'paste'; text: string; truncated: boolean }
  assert.is(p.text.length, PASTE_CAP_CHARS)
  assert.is(p.truncated, true)
})

test.run()
