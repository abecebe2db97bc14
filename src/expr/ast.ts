// The syntax tree of a `where` expression. `text` is the source of the node, for error messages.

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>='
export type ArithOp = '+' | '-' | '*' | '/' | '%'

/** What a literal was written as: a duration or a size is a number with a unit, named in errors. */
export type LiteralKind = 'number' | 'duration' | 'size' | 'string' | 'boolean' | 'null' | 'datetime' | 'list' | 'record'

export type Expr =
  | { t: 'literal'; value: unknown; kind: LiteralKind; text: string }
  /** `status`, `req.path`, `$it.a`: a path into the current value; an empty path is the value itself. */
  | { t: 'field'; path: (string | number)[]; text: string }
  /** `$name` or `$env.NAME`, looked up once when the expression is compiled. */
  | { t: 'var'; name: string; path: (string | number)[]; text: string }
  | { t: 'list'; items: Expr[]; text: string }
  | { t: 'compare'; op: CompareOp; left: Expr; right: Expr; text: string }
  | { t: 'match'; negate: boolean; left: Expr; right: Expr; text: string }
  | { t: 'in'; negate: boolean; left: Expr; right: Expr; text: string }
  | { t: 'arith'; op: ArithOp; left: Expr; right: Expr; text: string }
  | { t: 'neg'; operand: Expr; text: string }
  | { t: 'not'; operand: Expr; text: string }
  | { t: 'logic'; op: '&&' | '||'; left: Expr; right: Expr; text: string }
