import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares a secret given by a caller with the expected one in time that depends on neither (nor on their lengths). */
export function constantTimeEquals(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected)) && given.length === expected.length;
}
