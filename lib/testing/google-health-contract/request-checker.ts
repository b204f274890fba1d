import { discoveryMethods, type DiscoveryDocument, type DiscoveryMethod, type DiscoveryParameter } from './discovery-document.js';
import { SchemaChecker, type SchemaProblem } from './schema-checker.js';

/** An HTTP request as it reaches the API: the path from the service root (`/v4/users/me/identity`). */
export interface ContractRequest {
  method: string;
  path: string;
  /** The raw query string (with or without the leading `?`), or its parsed parameters. */
  query?: string | URLSearchParams;
  /** The raw body; empty or absent for none. */
  body?: string;
}

/** Which method of the document a request targets, and the values of its path parameters. */
export interface ResolvedMethod {
  method: DiscoveryMethod;
  pathParameters: Record<string, string>;
}

/** What `GoogleHealthContract` makes of a request's HTTP method and path: the method it targets, or why none. */
export type MethodResolution =
  | { kind: 'method'; resolved: ResolvedMethod }
  /** No method has this path. */
  | { kind: 'unknown-path' }
  /** Methods have this path, none with this HTTP method. */
  | { kind: 'wrong-http-method'; allowed: string[] };

interface CompiledMethod {
  method: DiscoveryMethod;
  /** From `flatPath`: one group per `{segment}`. */
  flat: RegExp;
  /** From `path`: one group per `{name}` or `{+name}`, in order. */
  expanded: RegExp;
  expandedNames: string[];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `v4/{+parent}/dataPoints` → a regex over the whole path; `{+x}` spans segments, `{x}` does not. */
function compileTemplate(template: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  let source = '';
  let rest = template;
  for (let match = /\{(\+?)([^}]+)\}/.exec(rest); match; match = /\{(\+?)([^}]+)\}/.exec(rest)) {
    source += escapeRegExp(rest.slice(0, match.index));
    source += match[1] ? '(.+)' : '([^/]+)';
    names.push(match[2]!);
    rest = rest.slice(match.index + match[0].length);
  }
  source += escapeRegExp(rest);
  return { regex: new RegExp(`^/${source}$`), names };
}

const safeDecode = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

const INTEGER = /^-?(0|[1-9]\d*)$/;

/** Why one query value breaks its parameter's declaration, or null. */
function queryValueProblem(parameter: DiscoveryParameter, value: string): string | null {
  if (parameter.enum && !parameter.enum.includes(value)) return `${JSON.stringify(value)} is not one of ${parameter.enum.join(', ')}`;
  switch (parameter.type) {
    case 'integer': {
      if (!INTEGER.test(value)) return `expected an integer without leading zeros, got ${JSON.stringify(value)}`;
      const number = Number(value);
      if (parameter.format === 'uint32' ? number < 0 || number > 2 ** 32 - 1 : number < -(2 ** 31) || number > 2 ** 31 - 1) {
        return `${value} is out of the ${parameter.format ?? 'int32'} range`;
      }
      return null;
    }
    case 'boolean':
      return value === 'true' || value === 'false' ? null : `expected true or false, got ${JSON.stringify(value)}`;
    case 'string':
      if (parameter.format === 'int64' && !INTEGER.test(value)) return `expected an int64, got ${JSON.stringify(value)}`;
      return null;
    default:
      return null;
  }
}

/**
 * Checks requests against the `resources…methods` of a discovery document: the path must be one a
 * method declares (with its HTTP method), path parameters must match their patterns, every query
 * parameter must be declared by the method or the document (`fields`, `prettyPrint`…) with a value of
 * its type and enum, repeated only when declared `repeated`, and the body must be the method's
 * request schema (or absent when it takes none).
 */
export class RequestChecker {
  private readonly methods: CompiledMethod[];
  readonly schemas: SchemaChecker;

  constructor(private readonly document: DiscoveryDocument) {
    this.schemas = new SchemaChecker(document.schemas);
    this.methods = discoveryMethods(document).map((method) => {
      const expanded = compileTemplate(method.path);
      return { method, flat: compileTemplate(method.flatPath).regex, expanded: expanded.regex, expandedNames: expanded.names };
    });
  }

  /** The method a request's HTTP method and path target. */
  resolve(httpMethod: string, path: string): MethodResolution {
    const decoded = path.split('/').map(safeDecode).join('/');
    const onPath = this.methods.filter((candidate) => candidate.flat.test(decoded));
    if (onPath.length === 0) return { kind: 'unknown-path' };
    const compiled = onPath.find((candidate) => candidate.method.httpMethod === httpMethod.toUpperCase());
    if (!compiled) return { kind: 'wrong-http-method', allowed: [...new Set(onPath.map((candidate) => candidate.method.httpMethod))] };
    const values = compiled.expanded.exec(decoded);
    const pathParameters: Record<string, string> = {};
    compiled.expandedNames.forEach((name, index) => {
      pathParameters[name] = values?.[index + 1] ?? '';
    });
    return { kind: 'method', resolved: { method: compiled.method, pathParameters } };
  }

  /** The problems of a request against the method it targets (resolved first when not given). */
  check(request: ContractRequest, resolved?: ResolvedMethod): SchemaProblem[] {
    if (!resolved) {
      const resolution = this.resolve(request.method, request.path);
      if (resolution.kind === 'unknown-path') return [{ path: request.path, problem: 'no method of the API has this path' }];
      if (resolution.kind === 'wrong-http-method') {
        return [{ path: request.path, problem: `${request.method} is not a method of this path (${resolution.allowed.join(', ')})` }];
      }
      resolved = resolution.resolved;
    }
    const { method, pathParameters } = resolved;
    const problems: SchemaProblem[] = [];
    const declared = method.parameters ?? {};
    for (const [name, value] of Object.entries(pathParameters)) {
      const pattern = declared[name]?.pattern;
      if (pattern && !new RegExp(pattern).test(value)) problems.push({ path: name, problem: `${JSON.stringify(value)} does not match ${pattern}` });
    }
    const query = typeof request.query === 'string' || request.query === undefined ? new URLSearchParams(request.query ?? '') : request.query;
    const counts = new Map<string, number>();
    for (const [name, value] of query) {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      const parameter = declared[name]?.location === 'query' ? declared[name] : this.document.parameters[name];
      if (!parameter) {
        problems.push({ path: `?${name}`, problem: `Unknown name "${name}": Cannot bind query parameter. ${method.id} declares ${this.queryNames(method).join(', ') || 'none'}` });
        continue;
      }
      const problem = queryValueProblem(parameter, value);
      if (problem) problems.push({ path: `?${name}`, problem });
    }
    for (const [name, count] of counts) {
      const parameter = declared[name] ?? this.document.parameters[name];
      if (parameter && count > 1 && !parameter.repeated) problems.push({ path: `?${name}`, problem: `given ${count} times; it is not a repeated parameter` });
    }
    problems.push(...this.bodyProblems(method, request.body ?? ''));
    return problems;
  }

  private queryNames(method: DiscoveryMethod): string[] {
    return Object.entries(method.parameters ?? {})
      .filter(([, parameter]) => parameter.location === 'query')
      .map(([name]) => name);
  }

  private bodyProblems(method: DiscoveryMethod, body: string): SchemaProblem[] {
    if (!method.request) return body.trim() === '' ? [] : [{ path: '(body)', problem: `${method.id} takes no request body` }];
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return [{ path: '(body)', problem: `${method.id} takes a JSON ${method.request.$ref}; the body is not JSON` }];
    }
    return this.schemas.check(method.request.$ref, parsed, 'request').map((problem) => ({ ...problem, path: `(body).${problem.path}` }));
  }
}
