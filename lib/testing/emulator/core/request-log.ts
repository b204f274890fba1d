import type { EmulatorRequest } from './http-types.js';

/** One request the emulator received (`emulator.requests`), with the status it answered. */
export interface LoggedRequest extends EmulatorRequest {
  /** The status the emulator answered. */
  status: number;
  /** Emulator clock time (epoch ms) when the request arrived. */
  at: number;
}

export class RequestLog {
  private readonly entries: LoggedRequest[] = [];

  record(request: EmulatorRequest, status: number, at: number): void {
    this.entries.push({ ...request, status, at });
  }

  list(): LoggedRequest[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries.length = 0;
  }
}
