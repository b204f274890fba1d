import { googleHealthDiscovery, type DiscoveryMethod, type DiscoverySchema, type GoogleHealthApiVersion } from './discovery-document.js';
import { RequestChecker, type ContractRequest, type MethodResolution, type ResolvedMethod } from './request-checker.js';
import { SchemaChecker, type SchemaDirection, type SchemaProblem } from './schema-checker.js';

/** google.rpc.Code names, as `error.status` carries them. */
const RPC_STATUSES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

/** Google's JSON error envelope, which discovery documents do not describe. */
const ERROR_SCHEMAS: Record<string, DiscoverySchema> = {
  GoogleApiError: { id: 'GoogleApiError', type: 'object', properties: { error: { $ref: 'GoogleApiErrorStatus', 'x-required': true } } },
  GoogleApiErrorStatus: {
    id: 'GoogleApiErrorStatus',
    type: 'object',
    properties: {
      code: { type: 'integer', format: 'int32', 'x-required': true },
      message: { type: 'string', 'x-required': true },
      status: { type: 'string', enum: RPC_STATUSES, 'x-required': true },
      details: { type: 'array', items: { type: 'object', additionalProperties: { type: 'any' } } },
    },
  },
};

const errorChecker = new SchemaChecker(ERROR_SCHEMAS);
const contracts = new Map<GoogleHealthApiVersion, GoogleHealthContract>();

/**
 * The Google Health API's published contract (its discovery document, vendored in this package) as
 * checks: whether a request is one the API declares, and whether a JSON value or an answer is what
 * the schema says. The emulator uses it in Google Health mode; tests can use it to check fixtures.
 *
 * @example
 * const contract = GoogleHealthContract.load();
 * expect(contract.checkSchema('ListDataPointsResponse', fixture)).toEqual([]);
 */
export class GoogleHealthContract {
  readonly revision: string;
  readonly version: string;
  /** The OAuth scopes the document declares. */
  readonly scopes: readonly string[];
  private readonly requests: RequestChecker;
  private readonly schemas: SchemaChecker;

  private constructor(version: GoogleHealthApiVersion) {
    const document = googleHealthDiscovery(version);
    this.revision = document.revision;
    this.version = document.version;
    this.requests = new RequestChecker(document);
    this.schemas = this.requests.schemas;
    this.scopes = Object.keys(document.auth?.oauth2?.scopes ?? {});
  }

  /** The contract of `health:v4` (default) or `health:v4beta`, built once per process. */
  static load(version: GoogleHealthApiVersion = 'v4'): GoogleHealthContract {
    let contract = contracts.get(version);
    if (!contract) {
      contract = new GoogleHealthContract(version);
      contracts.set(version, contract);
    }
    return contract;
  }

  /** The method a request targets (`/v4/users/me/dataTypes/steps/dataPoints` → `health.users.dataTypes.dataPoints.list`). */
  resolve(httpMethod: string, path: string): MethodResolution {
    return this.requests.resolve(httpMethod, path);
  }

  /** The problems of a request: unknown path or HTTP method, undeclared or mistyped parameters, a body that is not the method's request. */
  checkRequest(request: ContractRequest, resolved?: ResolvedMethod): SchemaProblem[] {
    return this.requests.check(request, resolved);
  }

  /**
   * The problems of an answer to `method`: a 2xx body must be the method's response schema (an empty
   * object for `Empty`), anything else Google's error envelope with a matching `error.code`.
   */
  checkResponse(method: DiscoveryMethod, status: number, body: string | undefined): SchemaProblem[] {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body ?? '');
    } catch {
      return [{ path: '(body)', problem: `the ${status} answer is not JSON` }];
    }
    if (status >= 200 && status < 300) {
      return method.response ? this.schemas.check(method.response.$ref, parsed, 'response') : [];
    }
    const problems = errorChecker.check('GoogleApiError', parsed, 'response');
    const code = (parsed as { error?: { code?: unknown } } | null)?.error?.code;
    if (problems.length === 0 && code !== status) problems.push({ path: 'error.code', problem: `${String(code)} differs from the HTTP status ${status}` });
    return problems;
  }

  /** The problems of a value against one of the document's schemas (`DataPoint`, `Settings`…); throws for an unknown schema. */
  checkSchema(schemaName: string, value: unknown, direction: SchemaDirection = 'response'): SchemaProblem[] {
    if (!this.schemas.has(schemaName)) throw new Error(`The Google Health discovery document defines no schema ${schemaName}`);
    return this.schemas.check(schemaName, value, direction);
  }

  /** The schema the document defines under the name, or undefined. */
  schema(schemaName: string): DiscoverySchema | undefined {
    return this.schemas.has(schemaName) ? this.schemas.resolve({ $ref: schemaName }) : undefined;
  }
}

/** `rollupDataPoints[0].steps.countSum: expected a string (int64), got number 8421` per line. */
export const describeProblems = (problems: readonly SchemaProblem[]): string => problems.map((problem) => `${problem.path}: ${problem.problem}`).join('; ');
