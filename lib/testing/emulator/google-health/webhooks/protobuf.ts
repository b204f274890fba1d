/** Just enough protocol-buffer encoding for Tink's key protos: varint and length-delimited fields. */

const VARINT = 0;
const LENGTH_DELIMITED = 2;

export function varint(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0) throw new Error(`varint needs a non-negative integer, got ${value}`);
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

const tag = (field: number, wireType: number): Buffer => varint(field * 8 + wireType);

export const varintField = (field: number, value: number): Buffer => Buffer.concat([tag(field, VARINT), varint(value)]);

export const bytesField = (field: number, value: Buffer): Buffer => Buffer.concat([tag(field, LENGTH_DELIMITED), varint(value.length), value]);
