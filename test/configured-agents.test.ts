import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { createTestApp } from './helpers/app.js';

/** A loopback port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('agents named in the configuration', () => {
  it('appear at once, and one whose process or health URL fails shows offline or failing with the reason', async () => {
    const port = await closedPort();
    const t = createTestApp({
      agents: [
        { name: 'trade_executor', processPattern: 'no-such-process-xyz' },
        { name: 'alpha_hunter', pid: 999_999 },
        { name: 'risk_assessor', healthUrl: `http://127.0.0.1:${port}/health` },
        { name: 'portfolio_optimizer', memoryLimitMb: 2048 },
      ],
      health: { checkTimeoutSeconds: 1 },
    });
    await t.agent.scheduler.runNow('health');
    const agents = Object.fromEntries((await t.get('/api/agents/status')).body.data.map((a: any) => [a.name, a]));
    expect(Object.keys(agents).sort()).toEqual(['alpha_hunter', 'portfolio_optimizer', 'risk_assessor', 'trade_executor']);
    expect(agents.trade_executor).toMatchObject({ health: 'offline', watch_error: 'no running process with a command line matching /no-such-process-xyz/' });
    expect(agents.trade_executor.health_reason).toMatch(/^no running process with a command line matching \/no-such-process-xyz\/ \(since /);
    expect(agents.alpha_hunter).toMatchObject({ health: 'offline', watch_error: 'no running process with pid 999999' });
    // A failed check is no sign of life: failing now, offline once nothing else arrives for the offline time.
    expect(agents.risk_assessor).toMatchObject({ health: 'failing', watch_error: 'health check failed: connection refused' });
    expect(agents.risk_assessor.health_reason).toMatch(/^health check failed: connection refused \(since .*\); success rate 0 % below 80 %/);
    expect(agents.portfolio_optimizer).toMatchObject({ health: 'offline', health_reason: 'configured, but nothing received from it yet', watch_error: null });

    // Once it reports, a configured agent is judged like any other.
    await t.post('/api/agents/metrics', { samples: [{ agent_name: 'portfolio_optimizer', response_time: 1 }] });
    await t.agent.scheduler.runNow('health');
    expect((await t.get('/api/agents/status')).body.data.find((a: any) => a.name === 'portfolio_optimizer').health).toBe('healthy');
    const gql = await t.gql('{ agent(name: "alpha_hunter") { health watchError } }');
    expect(gql.data.agent).toEqual({ health: 'OFFLINE', watchError: 'no running process with pid 999999' });
  });

  it('sends the failures of an agent it cannot reach to the code editor, never to the prompt engineer', async () => {
    const t = createTestApp({ agents: [{ name: 'risk_assessor', healthUrl: `http://127.0.0.1:${await closedPort()}/health` }], health: { checkTimeoutSeconds: 1 } });
    for (let i = 0; i < 6; i++) {
      await t.agent.scheduler.runNow('health');
      t.clock.advance(30_000);
    }
    const analysis = (await t.post('/api/meta-agent/trigger-analysis')).body.data;
    const failures = analysis.improvements_created.find((i: any) => i.fingerprint === 'risk_assessor:failures');
    expect(failures, JSON.stringify(analysis.improvements_created.map((i: any) => i.fingerprint))).toBeDefined();
    const approved = await t.post(`/api/meta-agent/improvements/${failures.id}/approve`);
    expect(approved.body.data.assigned_agent).toBe('code_editor');
  });
});
