/** vitest setup file: a test whose requests or emulator answers break Google's contract fails (see strict-emulators.ts). */
import { afterAll, afterEach } from 'vitest';
import { assertContractsKept } from './strict-emulators.js';

afterEach(() => assertContractsKept());
afterAll(() => assertContractsKept());
