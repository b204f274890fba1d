import { describeProblems, GoogleHealthContract } from '../../../google-health-contract/google-health-contract.js';
import type { ContractViolationLog } from '../../core/contract-violations.js';
import type { EmulatorRequest, EmulatorResponse } from '../../core/http-types.js';
import { googleError, invalidArgument } from '../google-errors.js';

const API_PATH = /^\/v4(\/|$)/;

const errorStatusOf = (response: EmulatorResponse): string | null => {
  try {
    return (JSON.parse(response.body ?? '') as { error?: { status?: string } }).error?.status ?? null;
  } catch {
    return null;
  }
};

/**
 * Holds the Health API routes to Google's discovery document. Every request under `/v4` must be one
 * the document declares (else 404, or 400 INVALID_ARGUMENT for undeclared or mistyped parameters and
 * bodies, as Google answers them). In strict mode every answer is checked against the method's
 * response schema too (a broken answer becomes a 500 that names the problem), and every violation,
 * the caller's or the emulator's, is recorded for the test to fail on.
 */
export class ContractGate {
  private readonly contract = GoogleHealthContract.load('v4');

  constructor(
    private readonly strict: boolean,
    private readonly violations: ContractViolationLog,
  ) {}

  async around(request: EmulatorRequest, route: () => Promise<EmulatorResponse>): Promise<EmulatorResponse> {
    if (!API_PATH.test(request.path)) return route();
    const label = `${request.method} ${request.path}${request.search ? `?${request.search}` : ''}`;
    const resolution = this.contract.resolve(request.method, request.path);
    if (resolution.kind !== 'method') {
      const problem =
        resolution.kind === 'unknown-path'
          ? `no method of the Google Health API has the path ${request.path}`
          : `${request.method} is not a method of ${request.path} (${resolution.allowed.join(', ')})`;
      return this.refuse('request', label, null, googleError(404, 'NOT_FOUND', `The requested URL ${request.path} was not found on this server.`), [problem]);
    }
    const { method } = resolution.resolved;
    const problems = this.contract.checkRequest({ method: request.method, path: request.path, query: request.search, body: request.body }, resolution.resolved);
    if (problems.length > 0) return this.refuse('request', label, method.id, invalidArgument(`Invalid request: ${describeProblems(problems)}`), problems.map(line));

    const response = await route();
    if (response.status === 400 && errorStatusOf(response) === 'INVALID_ARGUMENT') {
      // The route refused what the document cannot say (a malformed filter, a bad data source family…).
      this.record('request', label, method.id, 400, [JSON.parse(response.body!).error.message]);
    }
    if (!this.strict) return response;
    const broken = this.contract.checkResponse(method, response.status, response.body);
    if (broken.length === 0) return response;
    return this.refuse(
      'response',
      label,
      method.id,
      googleError(500, 'INTERNAL', `The emulator's answer breaks the discovery schema of ${method.id}: ${describeProblems(broken.slice(0, 8))}`),
      broken.map(line),
    );
  }

  private refuse(side: 'request' | 'response', label: string, methodId: string | null, response: EmulatorResponse, problems: string[]): EmulatorResponse {
    this.record(side, label, methodId, response.status, problems);
    return response;
  }

  private record(side: 'request' | 'response', request: string, methodId: string | null, status: number, problems: string[]): void {
    if (this.strict) this.violations.record({ side, request, methodId, status, problems });
  }
}

const line = (problem: { path: string; problem: string }) => `${problem.path}: ${problem.problem}`;
