import { Injectable } from '@nestjs/common';

/** What a command writes to: anything stream-like; the progress bar shows only when it is a terminal. */
export type CommandOutputStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/**
 * Where the Fitbit commands print their result lines (stdout by default). A host, or a test,
 * replaces it by providing `CommandOutput` from a global module.
 */
@Injectable()
export class CommandOutput {
  readonly stream: CommandOutputStream = process.stdout;

  line(text: string): void {
    this.stream.write(`${text}\n`);
  }
}
