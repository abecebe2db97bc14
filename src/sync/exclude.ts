// --exclude GLOB, read the way .gitignore reads a line: a pattern without a slash matches a name at
// any depth (`*.log`, `node_modules`); one with a slash is anchored at the top of the tree
// (`/build`, `docs/*.pdf`); a trailing slash matches directories only; `**` spans directories;
// `!GLOB` takes back an earlier exclusion. The last pattern that matches decides.
// An excluded directory is not entered; excluded entries of DST are left alone (never deleted).

export type ExcludeTest = (path: string, isDir: boolean) => boolean

interface Rule { re: RegExp; dirOnly: boolean; negate: boolean }

export function compileExcludes(globs: readonly string[]): ExcludeTest | undefined {
  const rules: Rule[] = []
  for (let g of globs) {
    const negate = g.startsWith('!')
    if (negate) g = g.slice(1)
    const dirOnly = g.endsWith('/')
    if (dirOnly) g = g.replace(/\/+$/, '')
    if (!g) continue
    const anchored = g.includes('/')
    if (g.startsWith('/')) g = g.slice(1)
    rules.push({ re: new RegExp(`^${anchored ? '' : '(?:.*/)?'}${globSource(g)}$`, 's'), dirOnly, negate })
  }
  if (!rules.length) return undefined
  return (path, isDir) => {
    let out = false
    for (const r of rules) if ((!r.dirOnly || isDir) && r.re.test(path)) out = !r.negate
    return out
  }
}

/** The regular expression for one glob: `*` and `?` stay within a name, `**` crosses names. */
export function globSource(glob: string): string {
  let out = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slashBefore = i === 0 || glob[i - 1] === '/'
        const slashAfter = glob[i + 2] === '/'
        i++
        if (slashBefore && slashAfter) { out += '(?:.*/)?'; i++ } // `a/**/b` also matches `a/b`
        else out += '.*'
      } else out += '[^/]*'
    } else if (c === '?') out += '[^/]'
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2)
      if (end < 0) { out += '\\['; continue }
      let body = glob.slice(i + 1, end)
      if (body.startsWith('!')) body = '^' + body.slice(1)
      out += `[${body.replace(/\\/g, '\\\\')}]`
      i = end
    } else if (c === '\\' && i + 1 < glob.length) out += escape(glob[++i]!)
    else out += escape(c)
  }
  return out
}

const escape = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
