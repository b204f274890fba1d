import busboy from 'busboy';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FitbitEmulator, FitbitNotification } from '../../lib/testing/index.js';
import { callApi, CLIENT_SECRET, startEmulator } from './helpers/emulator-client.js';

interface ReceivedFile {
  field: string;
  filename: string;
  mimeType: string;
  bytes: Buffer;
}

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  raw: Buffer;
  files: ReceivedFile[];
}

const VERIFY_CODE = 'the-verify-code';

function readMultipart(request: IncomingMessage): Promise<{ raw: Buffer; files: ReceivedFile[] }> {
  return new Promise((resolve, reject) => {
    const files: ReceivedFile[] = [];
    const chunks: Buffer[] = [];
    const parser = busboy({ headers: request.headers });
    parser.on('file', (field, stream, info) => {
      const parts: Buffer[] = [];
      stream.on('data', (part: Buffer) => parts.push(part));
      stream.on('end', () => files.push({ field, filename: info.filename ?? '', mimeType: info.mimeType, bytes: Buffer.concat(parts) }));
    });
    parser.on('close', () => resolve({ raw: Buffer.concat(chunks), files }));
    parser.on('error', reject);
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.pipe(parser);
  });
}

async function readRaw(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A stand-in subscriber: records what arrives, answers 204, and does the verify handshake. */
function startSubscriber(received: Received[]): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://subscriber.test');
      if (request.method === 'GET') {
        response.writeHead(url.searchParams.get('verify') === VERIFY_CODE ? 204 : 404).end();
        return;
      }
      const isMultipart = (request.headers['content-type'] ?? '').startsWith('multipart/form-data');
      const { raw, files } = isMultipart ? await readMultipart(request) : { raw: await readRaw(request), files: [] };
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, raw, files });
      response.writeHead(204).end();
    })();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fitbit/update/` })),
  );
}

function signatureIsValid(bytes: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const expected = createHmac('sha1', `${CLIENT_SECRET}&`).update(bytes).digest();
  const given = Buffer.from(header, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('emulator outbound notifications', () => {
  let emulator: FitbitEmulator;
  let subscriber: { server: Server; url: string };
  const received: Received[] = [];
  const batch: FitbitNotification[] = [
    { collectionType: 'activities', date: '2024-03-30', ownerId: 'ABC123', ownerType: 'user', subscriptionId: '1' },
    { collectionType: 'sleep', date: '2024-03-31', ownerId: 'ABC123', ownerType: 'user', subscriptionId: '1' },
  ];

  beforeAll(async () => {
    emulator = await startEmulator();
    subscriber = await startSubscriber(received);
  });
  beforeEach(() => {
    received.length = 0;
  });
  afterAll(async () => {
    await emulator.stop();
    await new Promise<void>((resolve) => subscriber.server.close(() => resolve()));
  });

  it('POSTs the JSON array with a valid X-Fitbit-Signature over the exact bytes', async () => {
    const result = await emulator.sendNotifications(subscriber.url, batch);
    expect(result).toEqual({ status: 204, body: '' });
    expect(received).toHaveLength(1);
    const [delivery] = received as [Received];
    expect(delivery.method).toBe('POST');
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(JSON.parse(delivery.raw.toString('utf8'))).toEqual(batch);
    expect(signatureIsValid(delivery.raw, delivery.headers['x-fitbit-signature'])).toBe(true);
  });

  it('sends multipart with a file field "updates" (updates.json, application/json) signed over the file bytes', async () => {
    const result = await emulator.sendNotifications(subscriber.url, batch, { format: 'multipart' });
    expect(result.status).toBe(204);
    const [delivery] = received as [Received];
    expect(delivery.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(delivery.files).toHaveLength(1);
    const [file] = delivery.files as [ReceivedFile];
    expect(file).toMatchObject({ field: 'updates', filename: 'updates.json', mimeType: 'application/json' });
    expect(JSON.parse(file.bytes.toString('utf8'))).toEqual(batch);
    expect(signatureIsValid(file.bytes, delivery.headers['x-fitbit-signature'])).toBe(true);
    expect(signatureIsValid(delivery.raw, delivery.headers['x-fitbit-signature'])).toBe(false);
  });

  it('can send a wrong signature or none', async () => {
    await emulator.sendNotifications(subscriber.url, batch, { signature: 'invalid' });
    await emulator.sendNotifications(subscriber.url, batch, { signature: 'none', format: 'multipart' });
    const [wrong, none] = received as [Received, Received];
    expect(wrong.headers['x-fitbit-signature']).toEqual(expect.any(String));
    expect(signatureIsValid(wrong.raw, wrong.headers['x-fitbit-signature'])).toBe(false);
    expect(none.headers['x-fitbit-signature']).toBeUndefined();
  });

  it('builds notifications from a user\'s stored subscriptions', async () => {
    const user = emulator.addUser({ id: 'NOTE01' });
    const token = emulator.issueTokens(user.id).accessToken;
    await callApi(emulator, token, '/1/user/-/apiSubscriptions/42.json', { method: 'POST' });
    expect(emulator.notificationsFor(user.id, 'body', '2024-03-31')).toEqual([
      { collectionType: 'body', date: '2024-03-31', ownerId: 'NOTE01', ownerType: 'user', subscriptionId: '42' },
    ]);
  });

  it('verifySubscriber does the two GETs and reports both statuses', async () => {
    expect(await emulator.verifySubscriber(subscriber.url, VERIFY_CODE)).toEqual({ correctStatus: 204, incorrectStatus: 404, verified: true });
    expect(await emulator.verifySubscriber(subscriber.url, 'some-other-code')).toEqual({ correctStatus: 404, incorrectStatus: 404, verified: false });
  });
});
