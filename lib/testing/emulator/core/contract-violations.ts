/** A request the real API would refuse as malformed, or an emulator answer that breaks the published schema. */
export interface ContractViolation {
  /** `request`: the caller broke the contract; `response`: the emulator did (a bug in the emulator). */
  side: 'request' | 'response';
  /** `GET /v4/users/me/dataTypes/sleep/dataPoints?filter=…` */
  request: string;
  /** The API method the request targets (`health.users.dataTypes.dataPoints.list`), or null for none. */
  methodId: string | null;
  /** What the emulator answered. */
  status: number;
  /** One line per problem: `rollupDataPoints[0].steps.countSum: expected a string (int64), got number 8421`. */
  problems: string[];
}

/** The violations a strict emulator saw, until a test takes them. */
export class ContractViolationLog {
  private entries: ContractViolation[] = [];

  record(violation: ContractViolation): void {
    this.entries.push(violation);
  }

  list(): ContractViolation[] {
    return this.entries.map((entry) => ({ ...entry, problems: [...entry.problems] }));
  }

  take(): ContractViolation[] {
    const taken = this.entries;
    this.entries = [];
    return taken;
  }
}

const MAX_PROBLEMS_SHOWN = 8;

/** One readable paragraph per violation, for an assertion message. */
export function describeViolations(violations: readonly ContractViolation[]): string {
  return violations
    .map((violation) => {
      const shown = violation.problems.slice(0, MAX_PROBLEMS_SHOWN);
      if (violation.problems.length > shown.length) shown.push(`… and ${violation.problems.length - shown.length} more`);
      return `${violation.side === 'request' ? 'request' : 'answer'} ${violation.request} (${violation.methodId ?? 'no method'}, ${violation.status}):\n  ${shown.join('\n  ')}`;
    })
    .join('\n');
}
