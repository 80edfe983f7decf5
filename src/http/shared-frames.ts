import type { ExecutionResult } from 'graphql';
import type { WebSocket } from 'ws';

/**
 * One serialisation per event and selection, not per subscriber. Subscriptions that ask for the
 * same thing share one execution result (graphql/shared-subscriptions.ts); graphql-ws would still
 * stringify it once per socket. `payloadFor` hands graphql-ws a stand-in whose JSON is a short
 * token, serialising the real payload once; `wrapSend` swaps the token at the end of each
 * outgoing frame for that JSON. The token is matched only as the frame's last field, after the
 * client-chosen id, so no client input can trigger a swap.
 */
const NEXT_WITH_TOKEN = '","type":"next","payload":"\\u0000shared-payload-';

export function createSharedFrames() {
  const byResult = new WeakMap<object, { token: string; json: string; stand: object }>();
  /**
   * Token → serialised payload, for the frames being sent now. graphql-ws sends a frame in the
   * microtask after asking for its payload, so the map is emptied once the microtasks have run
   * (setImmediate): a subscriber served later puts its payload back when it asks.
   */
  const payloads = new Map<string, string>();
  let clearing = false;
  let next = 0;

  return {
    /** The payload graphql-ws should send for this result: the same stand-in for every subscriber of it. */
    payloadFor(result: ExecutionResult): object {
      let shared = byResult.get(result);
      if (!shared) {
        const { errors, ...rest } = result;
        const json = JSON.stringify({ ...rest, ...(errors ? { errors: errors.map((e) => e.toJSON()) } : {}) });
        const token = `\u0000shared-payload-${(next += 1)}`;
        shared = { token, json, stand: { toJSON: () => token } };
        byResult.set(result, shared);
      }
      payloads.set(shared.token, shared.json);
      if (!clearing) {
        clearing = true;
        setImmediate(() => {
          clearing = false;
          payloads.clear();
        });
      }
      return shared.stand;
    },
    /** Makes the socket's frames carry the shared payload in place of its token. */
    wrapSend(socket: WebSocket): void {
      const send = socket.send.bind(socket) as (data: unknown, ...rest: unknown[]) => void;
      socket.send = ((data: unknown, ...rest: unknown[]) => send(typeof data === 'string' ? expand(data) : data, ...rest)) as WebSocket['send'];
    },
  };

  function expand(frame: string): string {
    // `{"id":"…","type":"next","payload":"\u0000shared-payload-7"}` (JSON escapes the NUL). Inside
    // the client's id every quote is escaped, so this unescaped run can only be the frame's own.
    const marker = frame.lastIndexOf(NEXT_WITH_TOKEN);
    if (marker < 0 || !frame.endsWith('"}')) return frame;
    const payloadAt = marker + NEXT_WITH_TOKEN.indexOf(':"\\u0000') + 1;
    const json = payloads.get(JSON.parse(frame.slice(payloadAt, -1)) as string);
    return json === undefined ? frame : `${frame.slice(0, payloadAt)}${json}}`;
  }
}
