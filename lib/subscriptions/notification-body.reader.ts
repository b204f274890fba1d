import busboy from 'busboy';
import type { Request } from 'express';

const MAX_BODY_BYTES = 1024 * 1024;

export class NotificationBodyError extends Error {}
/** The host parsed a JSON body without keeping its bytes: the signature cannot be checked. */
export class RawBodyUnavailableError extends Error {}

/**
 * The bytes the provider signed: the raw request body, or the multipart file field `updates`.
 * Nest keeps JSON bytes on `req[rawBodyProperty]` (`rawBody: true`); other bodies are read here.
 */
export async function readNotificationBody(req: Request, rawBodyProperty: string): Promise<Buffer> {
  if (req.is('multipart/form-data')) return readUpdatesFile(req);
  const raw = (req as unknown as Record<string, unknown>)[rawBodyProperty];
  if (Buffer.isBuffer(raw)) return raw;
  if (req.readableEnded || req.body !== undefined && typeof req.body === 'object' && Object.keys(req.body).length > 0) {
    throw new RawBodyUnavailableError(
      `The notification body was parsed without its raw bytes: create the app with { rawBody: true } (or set the rawBodyProperty option)`,
    );
  }
  return readStream(req);
}

async function readStream(req: Request): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new NotificationBodyError('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function readUpdatesFile(req: Request): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: MAX_BODY_BYTES, files: 5, fields: 20 } });
    } catch (error) {
      return reject(new NotificationBodyError(`bad multipart body: ${(error as Error).message}`));
    }
    let updates: Buffer | null = null;
    parser.on('file', (field, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => reject(new NotificationBodyError('updates file too large')));
      stream.on('error', (error: Error) => reject(new NotificationBodyError(`bad multipart body: ${error.message}`)));
      stream.on('end', () => {
        if (field === 'updates') updates = Buffer.concat(chunks);
      });
    });
    parser.on('error', (error: Error) => reject(new NotificationBodyError(`bad multipart body: ${error.message}`)));
    parser.on('close', () => (updates ? resolve(updates) : reject(new NotificationBodyError('no updates file'))));
    req.pipe(parser);
  });
}
