// The `where` expression language (SPEC §3): parse once, compile to a predicate, run per record.
export { compileWhere, compileExpr, fieldsOf, type Predicate, type VarLookup } from './compile.ts'
export { parseExpr } from './parser.ts'
export { ExprSyntaxError } from './lexer.ts'
export { ExprTypeError, describe, kindOf } from './semantics.ts'
export { parseIsoUtc } from './datetime.ts'
export type { Expr } from './ast.ts'
export { FieldCheck, type FieldReport } from './field-check.ts'
