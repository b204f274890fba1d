import { addDays, isRealDate } from '../../core/calendar.js';
import type { FilterField } from '../data-types.js';

/** What a filter needs to know of one point: its compared time, local and as an instant. */
export interface FilterablePoint {
  civil: string;
  instant(): number;
}

export interface PointFilter {
  matches(point: FilterablePoint): boolean;
  /** Local dates outside [from, to] hold no matching point (either may be open); conservative. */
  from: string | null;
  to: string | null;
}

export type FilterCheck = { ok: true; filter: PointFilter } | { ok: false; message: string };

type Node =
  | { kind: 'and' | 'or'; parts: Node[] }
  | { kind: 'compare'; field: FilterField; operator: '>=' | '<'; civil: string | null; instant: number | null };

const CIVIL = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2}):(\d{2}))?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const TOKEN = /\s*(?:(\()|(\))|(>=|<=|!=|>|<|=|:)|("(?:[^"\\]|\\.)*")|([A-Za-z_][A-Za-z0-9_.-]*)|(\S))/y;

type Token = { kind: 'open' | 'close' | 'operator' | 'string' | 'word' | 'other'; text: string };

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < filter.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(filter);
    if (!match) {
      if (filter.slice(at).trim() === '') break;
      tokens.push({ kind: 'other', text: filter.slice(at).trim()[0]! });
      break;
    }
    const [, open, close, operator, string, word, other] = match;
    if (open) tokens.push({ kind: 'open', text: open });
    else if (close) tokens.push({ kind: 'close', text: close });
    else if (operator) tokens.push({ kind: 'operator', text: operator });
    else if (string) tokens.push({ kind: 'string', text: string.slice(1, -1).replace(/\\(.)/g, '$1') });
    else if (word) tokens.push({ kind: 'word', text: word });
    else if (other) tokens.push({ kind: 'other', text: other });
  }
  return tokens;
}

class FilterSyntaxError extends Error {}

function civilValue(raw: string): string | null {
  const match = CIVIL.exec(raw);
  if (!match || !isRealDate(match[1]!)) return null;
  if (match[2] === undefined) return `${match[1]}T00:00:00`;
  return Number(match[2]) > 23 || Number(match[3]) > 59 || Number(match[4]) > 59 ? null : raw;
}

/** AIP-160's grammar, the part Google's data point filters use: comparisons joined by AND and OR (OR binds tighter), parentheses. */
class Parser {
  private index = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly fields: readonly FilterField[],
  ) {}

  parse(): Node {
    const node = this.conjunction();
    if (this.index < this.tokens.length) throw new FilterSyntaxError(`unexpected "${this.tokens[this.index]!.text}"`);
    return node;
  }

  private conjunction(): Node {
    return this.joined('AND', () => this.disjunction());
  }

  private disjunction(): Node {
    return this.joined('OR', () => this.term());
  }

  /** `part (WORD part)*`: one node, or all of them under `and`/`or`. */
  private joined(word: 'AND' | 'OR', part: () => Node): Node {
    const parts = [part()];
    while (this.peekWord(word)) {
      this.index += 1;
      parts.push(part());
    }
    return parts.length === 1 ? parts[0]! : { kind: word === 'AND' ? 'and' : 'or', parts };
  }

  private term(): Node {
    const token = this.tokens[this.index];
    if (!token) throw new FilterSyntaxError('the filter ends where a comparison was expected');
    if (token.kind === 'open') {
      this.index += 1;
      const node = this.conjunction();
      if (this.tokens[this.index]?.kind !== 'close') throw new FilterSyntaxError('a "(" is not closed');
      this.index += 1;
      return node;
    }
    return this.comparison();
  }

  private comparison(): Node {
    const [name, operator, value] = this.tokens.slice(this.index, this.index + 3);
    if (name?.kind !== 'word' || name.text === 'AND' || name.text === 'OR' || name.text === 'NOT') {
      throw new FilterSyntaxError(`expected a field name, got "${name?.text ?? 'the end'}"`);
    }
    if (name.text.includes('-')) throw new FilterSyntaxError(`"${name.text}": name the data type with underscores, not hyphens`);
    const field = this.fields.find((candidate) => candidate.name === name.text);
    if (!field) throw new FilterSyntaxError(`unsupported field "${name.text}"; this data type filters on ${this.fields.map((f) => f.name).join(', ')}`);
    if (operator?.kind !== 'operator') throw new FilterSyntaxError(`expected a comparison after ${name.text}`);
    if (operator.text !== '>=' && operator.text !== '<') throw new FilterSyntaxError(`unsupported comparison operator "${operator.text}": only >= and < are supported`);
    if (value?.kind !== 'string') throw new FilterSyntaxError(`${name.text} ${operator.text} needs a quoted value`);
    this.index += 3;
    if (field.clock === 'civil') {
      const civil = civilValue(value.text);
      if (civil === null) throw new FilterSyntaxError(`"${value.text}" is not a civil date or date-time (YYYY-MM-DD[THH:mm:ss])`);
      return { kind: 'compare', field, operator: operator.text, civil, instant: null };
    }
    if (!RFC3339.test(value.text) || Number.isNaN(Date.parse(value.text))) throw new FilterSyntaxError(`"${value.text}" is not an RFC 3339 timestamp`);
    return { kind: 'compare', field, operator: operator.text, civil: null, instant: Date.parse(value.text) };
  }

  private peekWord(word: string): boolean {
    const token = this.tokens[this.index];
    return token?.kind === 'word' && token.text === word;
  }
}

function matches(node: Node, point: FilterablePoint): boolean {
  if (node.kind === 'and') return node.parts.every((part) => matches(part, point));
  if (node.kind === 'or') return node.parts.some((part) => matches(part, point));
  if (node.kind !== 'compare') return false;
  const compared = node.civil !== null ? (point.civil < node.civil ? -1 : point.civil > node.civil ? 1 : 0) : point.instant() - node.instant!;
  return node.operator === '>=' ? compared >= 0 : compared < 0;
}

/** The dates a node can match at all; an instant may be a day off the local date either way. */
function bounds(node: Node): { from: string | null; to: string | null } {
  if (node.kind === 'compare') {
    const date = node.civil !== null ? node.civil.slice(0, 10) : new Date(node.instant!).toISOString().slice(0, 10);
    const slack = node.civil !== null ? 0 : 1;
    return node.operator === '>=' ? { from: addDays(date, -slack), to: null } : { from: null, to: addDays(date, slack) };
  }
  const parts = node.parts.map(bounds);
  if (node.kind === 'and') {
    return {
      from: parts.reduce<string | null>((best, part) => (part.from !== null && (best === null || part.from > best) ? part.from : best), null),
      to: parts.reduce<string | null>((best, part) => (part.to !== null && (best === null || part.to < best) ? part.to : best), null),
    };
  }
  return {
    from: parts.some((part) => part.from === null) ? null : parts.map((part) => part.from!).sort()[0]!,
    to: parts.some((part) => part.to === null) ? null : parts.map((part) => part.to!).sort().at(-1)!,
  };
}

/**
 * A data point filter as Google's list endpoint takes it (AIP-160): the type's time fields in
 * snake_case (`basal_energy_burned.interval.civil_start_time`), `>=` and `<`, civil values
 * `YYYY-MM-DD[THH:mm:ss]` or RFC 3339 instants for physical fields, joined by AND / OR with
 * parentheses. Anything else is refused, as Google refuses it (INVALID_DATA_POINT_FILTER).
 */
export function parsePointFilter(text: string | undefined, fields: readonly FilterField[]): FilterCheck {
  if (text === undefined || text.trim() === '') return { ok: true, filter: { matches: () => true, from: null, to: null } };
  try {
    const node = new Parser(tokenize(text), fields).parse();
    return { ok: true, filter: { matches: (point) => matches(node, point), ...bounds(node) } };
  } catch (error) {
    if (error instanceof FilterSyntaxError) return { ok: false, message: `Invalid filter ${JSON.stringify(text)}: ${error.message}.` };
    throw error;
  }
}
