import { createHash } from 'node:crypto';

const CHALLENGE_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;

export const isValidCodeChallenge = (challenge: string): boolean => CHALLENGE_PATTERN.test(challenge);

export const s256Challenge = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');
