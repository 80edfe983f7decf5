import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { GraphQLError } from 'graphql';
import { createSharedFrames } from '../src/http/shared-frames.js';

/** A socket that records what would go on the wire; graphql-ws stringifies its frames like this. */
function fakeSocket() {
  const sent: string[] = [];
  const socket = { send: (data: string) => void sent.push(data) } as unknown as WebSocket;
  return { socket, sent, frame: (id: string, payload: unknown) => socket.send(JSON.stringify({ id, type: 'next', payload })) };
}

describe('frames that share one serialised payload', () => {
  it('sends every subscriber of a result the same JSON, serialised once', () => {
    const frames = createSharedFrames();
    const a = fakeSocket();
    const b = fakeSocket();
    frames.wrapSend(a.socket);
    frames.wrapSend(b.socket);
    const result = { data: { healthSnapshot: { timestamp: '2026-12-03T07:00:00.000Z', performanceScore: 97.5, note: 'quote " and \\ and \u0000' } } };
    const stand = frames.payloadFor(result);
    expect(frames.payloadFor(result), 'one stand-in per result').toBe(stand);
    a.frame('1', stand);
    b.frame('sub-2', frames.payloadFor(result));
    expect(JSON.parse(a.sent[0]!)).toEqual({ id: '1', type: 'next', payload: result });
    expect(JSON.parse(b.sent[0]!)).toEqual({ id: 'sub-2', type: 'next', payload: result });
  });

  it('expands every frame of a wave however many distinct results it holds, and again for a subscriber served later', async () => {
    const frames = createSharedFrames();
    const { socket, sent, frame } = fakeSocket();
    frames.wrapSend(socket);
    const results = Array.from({ length: 3000 }, (_, i) => ({ data: { agentStatus: { name: `agent_${i}` } } }));
    const stands = results.map((r) => frames.payloadFor(r));
    stands.forEach((stand, i) => frame(String(i), stand));
    expect(sent.map((f) => JSON.parse(f).payload)).toEqual(results);
    await new Promise((resolve) => setImmediate(resolve)); // the wave's payloads are let go
    frame('late', frames.payloadFor(results[0]!));
    expect(JSON.parse(sent.at(-1)!).payload).toEqual(results[0]);
  });

  it('keeps the shape graphql-ws gives errors', () => {
    const frames = createSharedFrames();
    const { socket, sent, frame } = fakeSocket();
    frames.wrapSend(socket);
    frame('1', frames.payloadFor({ data: null, errors: [new GraphQLError('Not allowed', { extensions: { code: 'FORBIDDEN' } })] }));
    expect(JSON.parse(sent[0]!).payload).toEqual({ data: null, errors: [{ message: 'Not allowed', extensions: { code: 'FORBIDDEN' } }] });
  });

  it('leaves frames alone that only look like a stand-in, whatever id a client chose', () => {
    const frames = createSharedFrames();
    const { socket, sent, frame } = fakeSocket();
    frames.wrapSend(socket);
    frames.payloadFor({ data: { secret: 'of another subscriber' } });
    const sneaky = '","type":"next","payload":"\u0000shared-payload-1"}';
    frame(sneaky, { data: { mine: 1 } });
    socket.send('{"type":"pong","payload":"\\u0000shared-payload-1"}');
    expect(JSON.parse(sent[0]!)).toEqual({ id: sneaky, type: 'next', payload: { data: { mine: 1 } } });
    expect(sent[1]).toBe('{"type":"pong","payload":"\\u0000shared-payload-1"}');
  });
});
