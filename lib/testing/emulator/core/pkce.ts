import { createHash } from 'node:crypto';

/** What authorize was given (RFC 7636): the challenge and how the verifier becomes it. */
export interface PkceChallenge {
  challenge: string;
  method: 'S256' | 'plain';
}

export type PkceProblem = 'missing' | 'method' | 'format';
export type PkceCheck = { ok: true; pkce: PkceChallenge | null } | { ok: false; problem: PkceProblem; method: string | undefined };

const CHALLENGE_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;

export const s256Challenge = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

/**
 * The PKCE parameters of an authorize request as the real servers took them: none at all is the plain
 * authorization-code flow, a challenge without a method is `plain`; `requireS256` (the emulator's
 * `requirePkce`) insists on a challenge with S256, for tests of a client that must send one.
 */
export function readPkce(challenge: string | undefined, method: string | undefined, requireS256: boolean): PkceCheck {
  if (challenge === undefined && method === undefined) return requireS256 ? { ok: false, problem: 'missing', method } : { ok: true, pkce: null };
  if (challenge === undefined) return { ok: false, problem: 'missing', method };
  const resolved = method ?? 'plain';
  if (resolved !== 'S256' && (resolved !== 'plain' || requireS256)) return { ok: false, problem: 'method', method };
  if (!CHALLENGE_PATTERN.test(challenge)) return { ok: false, problem: 'format', method };
  return { ok: true, pkce: { challenge, method: resolved } };
}

/** Whether the token request's verifier is the one the challenge was made from. */
export const verifierMatches = (pkce: PkceChallenge, verifier: string): boolean =>
  (pkce.method === 'S256' ? s256Challenge(verifier) : verifier) === pkce.challenge;
