import { AppError, ErrorCode } from '../errors.js';
import { parseJson } from '../inputs/json.js';

/**
 * Reads a JSON request body, refusing more than maxBytes while it streams in (a
 * Content-Length is checked first, so an honest oversize request is refused unread).
 * An empty body is undefined.
 */
export function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  return readJsonFrom(request.headers.get('content-encoding'), () => readBodyBytes(request, maxBytes));
}

/** A JSON body, never compressed (415), read as JSON whatever its Content-Type (`curl -d` sends form-urlencoded by default). */
export async function readJsonFrom(encoding: string | null | undefined, read: () => Promise<Buffer>): Promise<unknown> {
  if (encoding && encoding.toLowerCase() !== 'identity') {
    throw new AppError(ErrorCode.unsupportedMediaType, `Content-Encoding ${encoding.slice(0, 40)} is not supported; send the JSON uncompressed`);
  }
  const bytes = await read();
  if (bytes.length === 0) return undefined;
  return parseJson(bytes, 'Request body');
}

/** The body's bytes (empty when there is none), refusing more than maxBytes while they stream in. */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return Buffer.alloc(0);

  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

export function tooLarge(maxBytes: number): AppError {
  return new AppError(ErrorCode.payloadTooLarge, `Request body exceeds the ${maxBytes}-byte limit`);
}
