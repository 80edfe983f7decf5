import { createHmac, randomUUID } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-meta-agent-signature';
export const TIMESTAMP_HEADER = 'x-meta-agent-timestamp';

/** `sha256=` + hex HMAC-SHA256 of "<timestamp>.<body>" under the shared secret. */
export function sign(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * POSTs JSON with the event name, a delivery id, a timestamp and, with a secret, the signature.
 * Resolves with the HTTP status; throws on a network error or after timeoutMs.
 */
export async function postSignedJson(
  url: string,
  payload: unknown,
  options: { event: string; secret?: string | undefined; timeoutMs?: number; now?: number },
): Promise<number> {
  const body = JSON.stringify(payload);
  const timestamp = String(Math.floor((options.now ?? Date.now()) / 1000));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'meta-agent',
    'x-meta-agent-event': options.event,
    'x-meta-agent-delivery': randomUUID(),
    [TIMESTAMP_HEADER]: timestamp,
  };
  if (options.secret) headers[SIGNATURE_HEADER] = sign(options.secret, timestamp, body);
  const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
  await response.body?.cancel();
  return response.status;
}
