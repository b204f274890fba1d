/**
 * Loaded with `--import` into the child processes the suite starts (apps, workers, the sample app):
 * each Redis command that could hold a credential is written to stderr, where the parent's leak watch
 * captures it with the rest of the child's output.
 */
import { CHILD_REDIS_MARK, MAY_HOLD_A_SECRET, watchRedisCommands } from './leak-watch.js';

watchRedisCommands((text) => {
  if (MAY_HOLD_A_SECRET.test(text)) process.stderr.write(`${CHILD_REDIS_MARK} ${text}\n`);
});
