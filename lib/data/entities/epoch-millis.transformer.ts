import type { ValueTransformer } from 'typeorm';

/** bigint columns come back from PostgreSQL as strings; epoch milliseconds fit a JS number. */
export const epochMillis: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};
