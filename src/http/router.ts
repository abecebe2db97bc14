// Routes: static paths > `:param` segments > a trailing `*` wildcard, whatever order they were added
// in. Static paths are one Map lookup; the rest walk a segment tree that tries the same precedence
// at every level and backs off when a branch leads nowhere. A path that exists with other methods
// is a 405 with `Allow`; HEAD is served by GET when no HEAD route is given. Trailing slashes:
// `redirect` (default) answers `/notes/` with a 308 to `/notes`; `strict` treats it as another path.

export type TrailingSlash = 'redirect' | 'strict'

export interface Route<H> {
  method: string
  pattern: string
  handler: H
}

/** What a lookup found. `params` is shared and frozen for static routes: do not write to it. */
export interface Found<H> { route: Route<H>; params: Record<string, string> }

export type Lookup<H> =
  | Found<H>
  | { allow: string }
  | { redirect: string }
  | undefined

const NO_PARAMS: Record<string, string> = Object.freeze(Object.create(null))

class Methods<H> {
  readonly byMethod = new Map<string, Found<H>>()
  allow = ''
  add(route: Route<H>): void {
    if (this.byMethod.has(route.method)) throw new Error(`route ${route.method} ${route.pattern} is defined twice`)
    this.byMethod.set(route.method, { route, params: NO_PARAMS })
    const methods = [...this.byMethod.keys()]
    if (this.byMethod.has('GET') && !this.byMethod.has('HEAD')) methods.push('HEAD')
    this.allow = methods.sort().join(', ')
  }
  get(method: string): Found<H> | undefined {
    return this.byMethod.get(method) ?? (method === 'HEAD' ? this.byMethod.get('GET') : undefined)
  }
}

class Node<H> {
  readonly children = new Map<string, Node<H>>()
  param: { name: string; node: Node<H> } | undefined
  wildcard: Methods<H> | undefined
  methods: Methods<H> | undefined
}

export class Router<H> {
  private readonly statics = new Map<string, Methods<H>>()
  private readonly tree = new Node<H>()

  constructor(readonly trailingSlash: TrailingSlash = 'redirect') {}

  add(method: string, pattern: string, handler: H): this {
    if (!pattern.startsWith('/')) throw new Error(`a route pattern starts with '/': ${pattern}`)
    const route: Route<H> = { method: method.toUpperCase(), pattern, handler }
    const segs = pattern.split('/').slice(1)
    if (!segs.some(s => s.startsWith(':') || s === '*')) {
      let m = this.statics.get(pattern)
      if (!m) this.statics.set(pattern, (m = new Methods()))
      m.add(route)
      return this
    }
    let node = this.tree
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i]!
      if (s === '*') {
        if (i !== segs.length - 1) throw new Error(`'*' ends a route pattern: ${pattern}`)
        ;(node.wildcard ??= new Methods()).add(route)
        return this
      }
      if (s.startsWith(':')) {
        const name = s.slice(1)
        if (!/^\w+$/.test(name)) throw new Error(`a parameter is named with letters, digits and _: ${pattern}`)
        if (node.param && node.param.name !== name) throw new Error(`:${name} and :${node.param.name} at the same place: ${pattern}`)
        node.param ??= { name, node: new Node() }
        node = node.param.node
      } else {
        let next = node.children.get(s)
        if (!next) node.children.set(s, (next = new Node()))
        node = next
      }
    }
    ;(node.methods ??= new Methods()).add(route)
    return this
  }

  /** The route for `method` at `path` (no query string). A parameter that is not valid
   *  percent-encoding makes the lookup throw a URIError. */
  find(method: string, path: string): Lookup<H> {
    const methods = this.statics.get(path) ?? this.walk(path)
    if (methods) {
      if (methods instanceof Methods) return methods.get(method) ?? { allow: methods.allow }
      return methods
    }
    if (this.trailingSlash === 'redirect' && path.length > 1 && path.endsWith('/')) {
      const bare = path.replace(/\/+$/, '') || '/'
      if (this.statics.has(bare) || this.walk(bare)) return { redirect: bare }
    }
    return undefined
  }

  private walk(path: string): Methods<H> | Found<H> | { allow: string } | undefined {
    const segs = path.split('/')
    const values: string[] = []
    const hit = match(this.tree, segs, 1, values)
    if (!hit) return undefined
    const [methods, names] = hit
    return new Bound(methods, names, values)
  }
}

/** A dynamic match: the methods at the end of the walk and the parameters along it. */
class Bound<H> extends Methods<H> {
  constructor(private readonly at: Methods<H>, private readonly names: string[], private readonly values: string[]) {
    super()
    this.allow = at.allow
  }
  override get(method: string): Found<H> | undefined {
    const found = this.at.get(method)
    if (!found) return undefined
    const params: Record<string, string> = Object.create(null)
    for (let i = 0; i < this.names.length; i++) params[this.names[i]!] = decodeURIComponent(this.values[i]!)
    return { route: found.route, params }
  }
}

/** Depth-first, static child before parameter before wildcard. `values` collects parameter values. */
function match<H>(node: Node<H>, segs: string[], i: number, values: string[]): [Methods<H>, string[]] | undefined {
  if (i === segs.length) return node.methods ? [node.methods, []] : undefined
  const seg = segs[i]!
  const child = node.children.get(seg)
  if (child) {
    const hit = match(child, segs, i + 1, values)
    if (hit) return hit
  }
  if (node.param && seg !== '') {
    values.push(seg)
    const hit = match(node.param.node, segs, i + 1, values)
    if (hit) return [hit[0], [node.param.name, ...hit[1]]]
    values.pop()
  }
  if (node.wildcard) {
    values.push(segs.slice(i).join('/'))
    return [node.wildcard, ['*']]
  }
  return undefined
}
