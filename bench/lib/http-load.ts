import { Agent, request } from 'node:http';

export interface Reply {
  status: number;
  ms: number;
  body: string;
}

/** A keep-alive HTTP client for load: one socket per concurrent caller. */
export function createClient(base: string, sockets: number, headers: Record<string, string> = {}, timeoutMs?: number) {
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  return {
    /** A string body is sent as JSON; bytes with the content type given. */
    send(method: string, path: string, body?: string | Uint8Array, contentType = 'application/json'): Promise<Reply> {
      const started = performance.now();
      return new Promise((resolve, reject) => {
        const req = request(
          {
            agent,
            host: url.hostname,
            port: url.port,
            method,
            path,
            headers: body === undefined ? headers : { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...headers },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk) => (text += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, body: text }));
          },
        );
        req.on('error', reject);
        if (timeoutMs !== undefined) req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

/** `concurrency` callers each sending back to back until `durationMs` passes (or `maxRequests`). */
export async function closedLoop(
  send: () => Promise<Reply>,
  concurrency: number,
  durationMs: number,
  maxRequests = Infinity,
): Promise<{ replies: Reply[]; elapsedMs: number }> {
  const replies: Reply[] = [];
  const started = performance.now();
  let issued = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() - started < durationMs && issued < maxRequests) {
        issued += 1;
        replies.push(await send());
      }
    }),
  );
  return { replies, elapsedMs: performance.now() - started };
}

/**
 * Requests started at a fixed rate whatever the answers do (open loop), so queueing shows in
 * latency. Every request due is sent, then the loop sleeps until the next is due (timers have
 * millisecond steps): spinning until each start would cost the load generator a whole core,
 * taken from the server on a small machine.
 */
export async function openLoop(send: () => Promise<Reply>, perSecond: number, durationMs: number): Promise<Reply[]> {
  const pending: Array<Promise<Reply>> = [];
  const started = performance.now();
  const total = Math.floor((perSecond * durationMs) / 1000);
  const dueAt = (i: number) => started + (i * 1000) / perSecond;
  for (let i = 0; i < total; ) {
    while (i < total && dueAt(i) <= performance.now()) {
      pending.push(send());
      i += 1;
    }
    if (i < total) await new Promise((r) => setTimeout(r, Math.max(1, dueAt(i) - performance.now())));
  }
  return Promise.all(pending);
}
