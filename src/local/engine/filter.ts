// Milvus boolean expression subset → predicate over a segment's scalar columns and primary key.
// Grammar: or := and (('or'|'||') and)* ; and := not (('and'|'&&') not)* ; not := ('not'|'!') not | atom ;
// atom := '(' or ')' | field op literal | literal op field | literal op field op literal | field ['not'] 'in' [list] | bool field.
import { EngineError } from './errors.js';
import type { CollectionSchema, FieldSchema, RowPredicate, SegmentColumns } from './types.js';

type Literal = { kind: 'number'; text: string; value: number } | { kind: 'string'; value: string } | { kind: 'bool'; value: boolean };
type Token =
  | { type: 'ident'; text: string; at: number }
  | { type: 'literal'; literal: Literal; at: number }
  | { type: 'op'; text: string; at: number }
  | { type: 'end'; at: number };

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);
const FLIPPED: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };

/** Empty or blank expression → undefined (all rows). Throws EngineError('invalid_filter') naming field or position. */
export function compileFilter(expr: string | undefined, schema: CollectionSchema): RowPredicate | undefined {
  if (expr === undefined || expr.trim() === '') return undefined;
  return new Parser(expr, schema).parse();
}

function tokenize(expr: string, fail: (message: string, at: number) => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (/\s/.test(c)) { i++; continue; }
    const at = i;
    const two = expr.slice(i, i + 2);
    if (['==', '!=', '<=', '>=', '&&', '||'].includes(two)) { tokens.push({ type: 'op', text: two, at }); i += 2; continue; }
    if ('<>()[],!'.includes(c)) { tokens.push({ type: 'op', text: c, at }); i++; continue; }
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      while (i < expr.length && expr[i] !== c) {
        if (expr[i] === '\\' && i + 1 < expr.length) i++;
        value += expr[i++];
      }
      if (i >= expr.length) fail(`unterminated string starting`, at);
      i++;
      tokens.push({ type: 'literal', literal: { kind: 'string', value }, at });
      continue;
    }
    const number = /^[+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?)/i.exec(expr.slice(i));
    if (number && (/\d|\./.test(c) || (/[+-]/.test(c) && !lastIsOperand(tokens)))) {
      tokens.push({ type: 'literal', literal: { kind: 'number', text: number[0], value: Number(number[0]) }, at });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(expr.slice(i));
    if (word) {
      const text = word[0];
      if (/^(true|false)$/i.test(text)) tokens.push({ type: 'literal', literal: { kind: 'bool', value: text.toLowerCase() === 'true' }, at });
      else if (/^(and|or|not|in)$/i.test(text)) tokens.push({ type: 'op', text: text.toLowerCase(), at });
      else tokens.push({ type: 'ident', text, at });
      i += text.length;
      continue;
    }
    fail(`unexpected character '${c}'`, at);
  }
  tokens.push({ type: 'end', at: expr.length });
  return tokens;
}

function lastIsOperand(tokens: Token[]): boolean {
  const last = tokens[tokens.length - 1];
  return last !== undefined && (last.type === 'ident' || last.type === 'literal' || (last.type === 'op' && (last.text === ')' || last.text === ']')));
}

class Parser {
  private readonly tokens: Token[];
  private position = 0;

  constructor(private readonly expr: string, private readonly schema: CollectionSchema) {
    this.tokens = tokenize(expr, (message, at) => this.fail(message, at));
  }

  parse(): RowPredicate {
    const predicate = this.parseOr();
    const next = this.peek();
    if (next.type !== 'end') this.fail(`unexpected ${describe(next)}`, next.at);
    return predicate;
  }

  private fail(message: string, at: number): never {
    throw new EngineError('invalid_filter', `invalid filter "${this.expr}": ${message} at position ${at}`);
  }

  private peek(): Token { return this.tokens[this.position]!; }
  private next(): Token { return this.tokens[this.position++]!; }
  private isOp(...texts: string[]): boolean {
    const t = this.peek();
    return t.type === 'op' && texts.includes(t.text);
  }
  private expectOp(text: string): void {
    const t = this.next();
    if (t.type !== 'op' || t.text !== text) this.fail(`expected '${text}' but found ${describe(t)}`, t.at);
  }

  private parseOr(): RowPredicate {
    let left = this.parseAnd();
    while (this.isOp('or', '||')) {
      this.next();
      const a = left, b = this.parseAnd();
      left = (c, r) => a(c, r) || b(c, r);
    }
    return left;
  }

  private parseAnd(): RowPredicate {
    let left = this.parseNot();
    while (this.isOp('and', '&&')) {
      this.next();
      const a = left, b = this.parseNot();
      left = (c, r) => a(c, r) && b(c, r);
    }
    return left;
  }

  private parseNot(): RowPredicate {
    if (this.isOp('not', '!')) {
      this.next();
      const inner = this.parseNot();
      return (c, r) => !inner(c, r);
    }
    return this.parseAtom();
  }

  private parseAtom(): RowPredicate {
    const token = this.next();
    if (token.type === 'op' && token.text === '(') {
      const inner = this.parseOr();
      this.expectOp(')');
      return inner;
    }
    if (token.type === 'ident') return this.parseFieldCondition(token);
    if (token.type === 'literal') return this.parseLiteralFirst(token.literal, token.at);
    return this.fail(`expected a field name, literal or '(' but found ${describe(token)}`, token.at);
  }

  private parseFieldCondition(token: Token & { type: 'ident' }): RowPredicate {
    const field = this.field(token.text, token.at);
    const after = this.tokens[this.position + 1];
    const negate = this.isOp('not') && after?.type === 'op' && after.text === 'in';
    if (negate || this.isOp('in')) {
      if (negate) this.next();
      this.next();
      const member = membership(field, this.parseList(field));
      return negate ? (c, r) => !member(c, r) : member;
    }
    const op = this.peek();
    if (op.type === 'op' && COMPARISONS.has(op.text)) {
      this.next();
      const literalToken = this.next();
      if (literalToken.type !== 'literal') this.fail(`expected a literal after '${op.text}' but found ${describe(literalToken)}`, literalToken.at);
      return comparison(field, op.text, this.checked(field, literalToken.literal, literalToken.at, op.text));
    }
    if (field.type === 'bool') return comparison(field, '==', { kind: 'bool', value: true });
    return this.fail(`expected a comparison or 'in' after field "${field.name}" but found ${describe(op)}`, op.at);
  }

  /** `5 < x` and the range form `1 <= x < 9`. */
  private parseLiteralFirst(literal: Literal, at: number): RowPredicate {
    const op = this.next();
    if (op.type !== 'op' || !COMPARISONS.has(op.text)) this.fail(`expected a comparison operator after a literal but found ${describe(op)}`, op.at);
    const fieldToken = this.next();
    if (fieldToken.type !== 'ident') this.fail(`expected a field name after '${op.text}' but found ${describe(fieldToken)}`, fieldToken.at);
    const field = this.field(fieldToken.text, fieldToken.at);
    const left = comparison(field, FLIPPED[op.text]!, this.checked(field, literal, at, op.text));
    const second = this.peek();
    if (second.type === 'op' && ['<', '<=', '>', '>='].includes(second.text)) {
      this.next();
      const upper = this.next();
      if (upper.type !== 'literal') this.fail(`expected a literal after '${second.text}' but found ${describe(upper)}`, upper.at);
      const right = comparison(field, second.text, this.checked(field, upper.literal, upper.at, second.text));
      return (c, r) => left(c, r) && right(c, r);
    }
    return left;
  }

  private parseList(field: FieldSchema): Literal[] {
    this.expectOp('[');
    const values: Literal[] = [];
    while (!this.isOp(']')) {
      const t = this.next();
      if (t.type !== 'literal') this.fail(`expected a literal in the list but found ${describe(t)}`, t.at);
      values.push(this.checked(field, t.literal, t.at, 'in'));
      if (!this.isOp(']')) this.expectOp(',');
    }
    this.next();
    return values;
  }

  private field(name: string, at: number): FieldSchema {
    const field = this.schema.fields.find((f) => f.name === name);
    if (!field) this.fail(`unknown field "${name}" (fields: ${this.schema.fields.map((f) => f.name).join(', ')})`, at);
    if (field.type === 'float_vector') this.fail(`field "${name}" is a vector and cannot be filtered`, at);
    return field;
  }

  private checked(field: FieldSchema, literal: Literal, at: number, op: string): Literal {
    const expected = field.type === 'varchar' ? 'string' : field.type === 'bool' ? 'bool' : 'number';
    if (literal.kind !== expected) {
      this.fail(`type mismatch: field "${field.name}" is ${field.type}, cannot compare with ${literal.kind} ${JSON.stringify(literal.kind === 'number' ? literal.text : literal.value)}`, at);
    }
    if (field.type === 'bool' && !['==', '!=', 'in'].includes(op)) this.fail(`field "${field.name}" is bool: only ==, != and in are allowed, not '${op}'`, at);
    return literal;
  }
}

function describe(token: Token): string {
  if (token.type === 'end') return 'end of expression';
  if (token.type === 'ident') return `"${token.text}"`;
  if (token.type === 'literal') return `literal ${JSON.stringify(token.literal.kind === 'number' ? token.literal.text : token.literal.value)}`;
  return `'${token.text}'`;
}

type Compare = (a: number | bigint | string, b: number | bigint | string) => boolean;
const OPERATORS: Record<string, Compare> = {
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/** A row-value reader that re-resolves its column only when the segment changes. */
function columnReader(field: FieldSchema): (columns: SegmentColumns, row: number) => number | bigint | string {
  let seen: SegmentColumns | undefined;
  let column: ArrayLike<number | bigint | string> = [];
  const resolve = (c: SegmentColumns): ArrayLike<number | bigint | string> =>
    field.type === 'int64' ? c.int64.get(field.name)! : field.type === 'float' ? c.float.get(field.name)! : field.type === 'bool' ? c.bool.get(field.name)! : c.varchar.get(field.name)!;
  return (c, row) => {
    if (c !== seen) {
      seen = c;
      column = resolve(c);
    }
    return column[row]!;
  };
}

/** int64 compares as bigint against integer literals and as number against fractional ones; bool as 0/1. */
function literalValue(field: FieldSchema, literal: Literal): number | bigint | string {
  if (literal.kind === 'string') return literal.value;
  if (literal.kind === 'bool') return literal.value ? 1 : 0;
  if (field.type === 'int64' && /^[+-]?\d+$/.test(literal.text)) return BigInt(literal.text);
  return field.type === 'float' ? Math.fround(literal.value) : literal.value;
}

function comparison(field: FieldSchema, op: string, literal: Literal): RowPredicate {
  const read = columnReader(field);
  const value = literalValue(field, literal);
  const compare = OPERATORS[op]!;
  if (field.type === 'int64' && typeof value === 'number') return (c, r) => compare(Number(read(c, r)), value);
  return (c, r) => compare(read(c, r), value);
}

function membership(field: FieldSchema, literals: Literal[]): RowPredicate {
  const read = columnReader(field);
  const values = literals.map((l) => literalValue(field, l));
  if (field.type === 'int64' && values.some((v) => typeof v === 'number')) {
    const numbers = new Set(values.map(Number));
    return (c, r) => numbers.has(Number(read(c, r)));
  }
  const set = new Set(values);
  return (c, r) => set.has(read(c, r));
}
