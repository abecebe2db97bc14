// The router alone: precedence, parameters, 405 with Allow, HEAD from GET, trailing slashes.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { Router, type Lookup } from '../../src/http/router.ts'

const names = (l: Lookup<string>): unknown => (l && 'route' in l ? [l.route.handler, { ...l.params }] : l)

test('static beats a parameter beats a wildcard, whatever the order they were added in', () => {
  const r = new Router<string>()
  r.add('GET', '/files/*', 'wild').add('GET', '/notes/:id', 'param').add('GET', '/notes/export', 'static')
  r.add('GET', '/notes/:id/tags/:tag', 'deep').add('GET', '/notes/:id/tags/pinned', 'pinned-of')
  r.add('GET', '/users/:id/posts', 'posts-of').add('GET', '/users/me/:tab', 'my-tab')
  assert.equal(names(r.find('GET', '/notes/export')), ['static', {}])
  assert.equal(names(r.find('GET', '/notes/42')), ['param', { id: '42' }])
  assert.equal(names(r.find('GET', '/notes/7/tags/a%20b')), ['deep', { id: '7', tag: 'a b' }])
  assert.equal(names(r.find('GET', '/files/a/b/c.txt')), ['wild', { '*': 'a/b/c.txt' }])
  assert.equal(names(r.find('GET', '/users/me/posts')), ['my-tab', { tab: 'posts' }], 'a static segment before a parameter, inside a pattern too')
  assert.equal(names(r.find('GET', '/users/7/posts')), ['posts-of', { id: '7' }])
  assert.equal(names(r.find('GET', '/notes/3/tags/pinned')), ['pinned-of', { id: '3' }])
  assert.is(r.find('GET', '/nope'), undefined)
  assert.is(r.find('GET', '/notes'), undefined, 'a parameter needs a segment')
})

test('a static branch that leads nowhere backs off to the parameter', () => {
  const r = new Router<string>()
  r.add('GET', '/a/b/c', 'abc').add('GET', '/a/:x/d', 'xd')
  assert.equal(names(r.find('GET', '/a/b/d')), ['xd', { x: 'b' }])
  assert.equal(names(r.find('GET', '/a/b/c')), ['abc', {}])
})

test('a path with other methods is a 405 that lists them; HEAD is served by GET', () => {
  const r = new Router<string>()
  r.add('GET', '/notes', 'list').add('POST', '/notes', 'create').add('DELETE', '/notes/:id', 'del')
  assert.equal(r.find('PUT', '/notes'), { allow: 'GET, HEAD, POST' })
  assert.equal(r.find('GET', '/notes/3'), { allow: 'DELETE' })
  assert.equal(names(r.find('HEAD', '/notes')), ['list', {}])
  assert.throws(() => r.add('GET', '/notes', 'again'), /defined twice/)
})

test('trailing slash: redirect to the bare path by default, a different path when strict', () => {
  const loose = new Router<string>().add('GET', '/notes', 'list').add('GET', '/notes/:id', 'one')
  assert.equal(loose.find('GET', '/notes/'), { redirect: '/notes' })
  assert.equal(loose.find('GET', '/notes/5/'), { redirect: '/notes/5' })
  assert.is(loose.find('GET', '/other/'), undefined)
  const strict = new Router<string>('strict').add('GET', '/notes', 'list')
  assert.is(strict.find('GET', '/notes/'), undefined)
})

test('parameters are data: __proto__ is a value, bad percent-encoding throws', () => {
  const r = new Router<string>().add('GET', '/n/:id', 'one')
  const hit = r.find('GET', '/n/__proto__')
  assert.equal(names(hit), ['one', { id: '__proto__' }])
  assert.throws(() => r.find('GET', '/n/%E0%A4%A'), URIError)
})

test.run()
