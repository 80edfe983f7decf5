import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createHostCollector } from '../../src/collectors/host.js';

describe('the host collector', () => {
  it('reads CPU as the busy share since the last read, memory and disk, without waiting', async () => {
    const host = createHostCollector(tmpdir());
    const until = Date.now() + 300;
    while (Date.now() < until); // keep one core busy
    const started = performance.now();
    const reading = await host.read();
    expect(performance.now() - started).toBeLessThan(200);
    expect(reading.cpu_usage).toBeGreaterThan(0);
    expect(reading.cpu_usage).toBeLessThanOrEqual(100);
    expect(reading.memory_usage).toBeGreaterThan(0);
    expect(reading.memory_usage).toBeLessThanOrEqual(100);
    expect(reading.disk?.used_percent).toBeGreaterThanOrEqual(0);
  });
});
