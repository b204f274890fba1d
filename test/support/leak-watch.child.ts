/**
 * Loaded with `--import` into the child processes the suite starts (apps, workers, the sample app):
 * each Redis command that could hold a credential is written to stderr, where the parent's leak watch
 * captures it with the rest of the child's output.
 */
import { CHILD_REDIS_MARK, watchRedisCommands } from './leak-watch.js';

const MAY_HOLD_A_SECRET = /ya29\.|1\/\/|1%2F%2F|eyJ|[0-9a-fA-F]{32}|4\/0|4%2F0|Bearer|Basic|secret|token/i;

watchRedisCommands((text) => {
  if (MAY_HOLD_A_SECRET.test(text)) process.stderr.write(`${CHILD_REDIS_MARK} ${text}\n`);
});
