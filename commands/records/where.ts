// where EXPR: keeps the values for which a condition holds. The expression is compiled once to a
// JS function; records flow through in batches. O(1) memory.
import { compileExpr, ExprSyntaxError, ExprTypeError, FieldCheck, fieldsOf, parseExpr, type Predicate } from '../../src/expr/index.ts'
import { batch, defineCommand, FshError, usageError, type Value } from '../../src/prelude.ts'

export default defineCommand({
  name: 'where',
  summary: 'Keep the records for which a condition holds',
  description: `EXPR compares fields with literals, variables and each other:
  == != < <= > >= =~ (regex) !~ in, && || ! (or: and or not), parentheses, + - * / %.
Literals: numbers, 'strings', true false null, durations (250ms 2s 1h, as milliseconds),
sizes (10KB 1MiB, as bytes), datetimes (2025-12-26, 2025-12-26T13:00Z; ISO text compares as a
datetime). Fields: name, a.b.0, \`odd name\`, $it (the value itself); $var and $env.NAME.
A bare word on the right of a comparison is text (type == file, ext in [csv, tsv]); compare
with another field as $it.name. A field missing from some records is null there: equal only
to null, never less or greater; a field that no record has is an error naming the fields that
exist. Comparing a number with text is an error that names the field and both types.`,
  rawArgs: true,
  args: [{ name: 'condition', type: 'string', describe: 'the expression every kept record satisfies' }],
  output: 'records',
  examples: [
    {
      line: 'open hits.ndjson | where status >= 500 && ms > 1s',
      files: { 'hits.ndjson': '{"path":"/a","status":503,"ms":1500}\n{"path":"/b","status":500,"ms":20}\n{"path":"/c","status":200,"ms":3000}\n' },
      output: 'path  status    ms\n/a       503  1500',
    },
    {
      line: "open hits.ndjson | where path =~ '^/api/' | count",
      files: { 'hits.ndjson': '{"path":"/api/x"}\n{"path":"/home"}\n{"path":"/api/y"}\n' },
      output: '2',
    },
  ],
  async *run(ctx, input) {
    const source = ctx.args[0].trim()
    let test: Predicate
    let readsFields: boolean
    let fields: FieldCheck
    // The variables it reads, by value: a worker thread compiles the same expression with them.
    const vars: Record<string, unknown> = {}
    try {
      const expr = parseExpr(source)
      const paths = fieldsOf(expr)
      readsFields = paths.some(p => p.length > 0)
      fields = new FieldCheck(paths)
      test = compileExpr(expr, name => (vars[name] = name === 'env' ? ctx.env : ctx.shell.getVar(name) ?? ctx.env[name]))
    } catch (err) {
      if (err instanceof ExprSyntaxError) {
        const e = usageError('where', `${err.message} (column ${err.at + 1} of '${source}')`)
        // The REPL points from the place it stopped reading to the end of the condition.
        e.about = source.slice(err.at).trimEnd() || undefined
        throw e
      }
      if (err instanceof ExprTypeError) throw typeError(err.message)
      throw err
    }
    test = fields.wrap(test)
    const checkFields = () => { const problem = fields.problem(); if (problem) throw new FshError(1, problem) }
    const textWarning = "the input is text, not records, so every field is null: parse it first (| from ndjson, | from csv, | lines)"
    // The command upstream may apply the condition itself, better (open: a big file in parallel).
    const filtered = input.origin?.filter?.({
      expr: source, test, vars, env: ctx.env, signal: ctx.signal,
      typeError: (msg, record) => { throw typeError(`${msg} (record ${record})`) },
      onText: () => { if (readsFields) ctx.warn(textWarning) },
      onFields: report => fields.merge(report),
      log: line => ctx.log(line),
    })
    if (filtered) {
      await input.close() // nothing was read from it: the filter reads instead
      for await (const b of filtered) yield batch(b)
      checkFields()
      return
    }
    let seen = 0
    for await (const b of input.batches()) {
      // Text where records were meant (`^cat x.ndjson | where ...`): every field would be null.
      if (seen === 0 && readsFields && typeof b[0] === 'string') ctx.warn(textWarning)
      const out: Value[] = []
      let i = 0
      try {
        for (; i < b.length; i++) if (test(b[i])) out.push(b[i]!)
      } catch (err) {
        if (err instanceof ExprTypeError) throw typeError(`${err.message} (record ${seen + i + 1})`)
        throw err
      }
      seen += b.length
      if (out.length) yield batch(out)
    }
    checkFields()
  },
})

/** A type error; it is about the part of the condition it quotes (`in 'path > 100':`), which the
 *  REPL points at. */
function typeError(message: string): FshError {
  const e = new FshError(1, message)
  e.about = /^[^']*'(.*?)': /.exec(message)?.[1]
  return e
}
