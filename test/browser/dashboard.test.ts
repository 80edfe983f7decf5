import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoFleet, seededRandom } from '../../scripts/demo/fleet.js';
import { defaultConfig } from '../../src/config.js';
import { WEB_ROOT } from '../../src/http/static-files.js';
import { silentLogger } from '../../src/logger.js';
import { createMetaAgent, type MetaAgent } from '../../src/meta-agent.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');
const haveBrowser = existsSync(CHROMIUM);
// CI sets META_AGENT_REQUIRE_BROWSER so a missing Chromium fails the run instead of skipping it.
if (!haveBrowser && process.env.META_AGENT_REQUIRE_BROWSER) throw new Error(`no ${CHROMIUM}: apt-get install chromium`);
if (!haveBrowser) console.warn(`browser tests skipped: no ${CHROMIUM} (apt-get install chromium)`);

let agent: MetaAgent;
let browser: Browser;
let page: Page;
let base: string;
let port: number;
const dataDir = mkdtempSync(path.join(tmpdir(), 'meta-agent-browser-'));

function startAgent(onPort = 0): MetaAgent {
  return createMetaAgent(defaultConfig({ dataDir, logFile: '', port: onPort }), { logger: silentLogger(), useCron: false });
}

async function post(pathname: string, body?: unknown) {
  const res = await fetch(base + pathname, { method: 'POST', body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${pathname}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Two hours of the demo fleet, reported through the API, then an analysis and a health tick. */
async function seedDemoFleet() {
  const now = Date.now();
  const fleet = demoFleet(now);
  const random = seededRandom(7);
  const samples = [];
  for (let t = now - 2 * 3_600_000; t < now; t += 30_000) for (const a of fleet) samples.push(a.sample(t, random));
  const reported = samples.filter(Boolean);
  for (let i = 0; i < reported.length; i += 5000) await post('/api/agents/metrics', { samples: reported.slice(i, i + 5000) });
  await post('/api/meta-agent/trigger-analysis');
  await agent.services.health.tick();
}

const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

describe.runIf(haveBrowser)('dashboard in Chromium', () => {
  beforeAll(async () => {
    expect(existsSync(path.join(WEB_ROOT, 'index.html')), 'the dashboard is built (npm run build:web)').toBe(true);
    mkdirSync(SHOTS, { recursive: true });
    agent = startAgent();
    port = (await agent.start()).port;
    base = `http://127.0.0.1:${port}`;
    await seedDemoFleet();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
  });

  it('shows the overview and updates it live, without a reload', async () => {
    await page.goto(base + '/');
    await page.locator('#connection', { hasText: 'live' }).waitFor();
    await page.locator('#agent-counts', { hasText: 'healthy' }).waitFor();
    const before = await page.locator('#agent-counts').innerText();
    expect(before).toMatch(/0 failing/);
    // Which replica answered, and that it leads (a single SQLite process always does).
    await page.locator('#cluster', { hasText: 'Answered by' }).waitFor();
    expect(await page.locator('#cluster').innerText()).toMatch(/^Answered by \S+ \(the leader: it runs the scheduled jobs\) · store sqlite · live events from this process$/);

    // An agent starts failing; the next health tick reaches the open page over the subscription.
    await post('/api/agents/metrics', { samples: Array.from({ length: 40 }, () => ({ agent_name: 'trade_executor', success_rate: 0.05 })) });
    await agent.services.health.tick();
    await page.locator('#agent-counts', { hasText: '1 failing' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('#score').innerText()).toMatch(/^\d+(\.\d)?$/);
    await shot('overview');
  });

  it('lists the agents and draws an agent chart with its findings and version changes', async () => {
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    await post('/api/agents/metrics', {
      samples: [
        { agent_name: 'portfolio_optimizer', timestamp: at(60), version: '3.0.0' },
        { agent_name: 'portfolio_optimizer', timestamp: at(30), version: '3.1.0' },
      ],
    });
    await page.goto(base + '/#/agents');
    await page.locator('tr[data-agent="portfolio_optimizer"]').waitFor();
    expect(await page.locator('tbody tr').count()).toBe(7);
    await shot('agents');
    await page.locator('a', { hasText: 'portfolio_optimizer' }).click();
    await page.locator('figure.chart canvas').first().waitFor();
    const painted = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('figure[aria-label^="Memory"] canvas')!;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let ink = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) ink += 1;
      return ink;
    });
    expect(painted).toBeGreaterThan(1000);
    await expect(page.locator('.findings li', { hasText: 'leak' }).count()).resolves.toBeGreaterThan(0);
    expect(await page.locator('.versions').innerText()).toMatch(/^Versions: 3\.0\.0 at .* · 3\.0\.0 → 3\.1\.0 at /);
    await shot('agent');
  });

  it("charts an LLM agent's tokens per request and shows its token totals", async () => {
    const samples = Array.from({ length: 12 }, (_, i) => ({
      agent_name: 'llm_writer',
      timestamp: new Date(Date.now() - (12 - i) * 5 * 60_000).toISOString(),
      requests: 10,
      input_tokens: 10_000 + i * 500,
      output_tokens: 2_000,
    }));
    await post('/api/agents/metrics', { samples });
    await page.goto(base + '/#/agents/llm_writer');
    await page.locator('figure[aria-label^="Tokens per request"] canvas').waitFor();
    expect(await page.locator('.agent-head').innerText()).toContain('153,000 input and 24,000 output tokens in all');
  });

  it('approves an improvement from the page, and the API shows it approved', async () => {
    await page.goto(base + '/#/improvements');
    const first = page.locator('article.improvement').first();
    await first.waitFor();
    const id = await first.getAttribute('data-id');
    await first.locator('summary').click();
    await first.locator('input[name="reason"]').fill('approved in the browser test');
    await first.locator('button.approve').click();
    await page.locator('main > [role="status"]', { hasText: 'approved for implementation' }).waitFor();
    const stored = await (await fetch(`${base}/api/meta-agent/improvements/${id}`)).json();
    expect(stored.data.decision_reason).toBe('approved in the browser test');
    expect(stored.data.history.map((h: { to_status: string }) => h.to_status)).toContain('approved');
    await page.goto(base + '/#/improvements?status=APPROVED');
    await page.locator(`article[data-id="${id}"]`).waitFor();
    await shot('improvements');
  });

  it('lists reports and shows one as a page', async () => {
    await agent.services.reportWriter.write();
    await page.goto(base + '/#/reports');
    const link = page.locator('tbody a').first();
    await link.waitFor();
    await shot('reports');
    await link.click();
    await page.locator('h2', { hasText: 'Recommendations' }).waitFor();
    await shot('report');
  });

  it('creates a silence from an agent page with one click and a duration, and expires it', async () => {
    await page.goto(base + '/#/agents/trade_executor');
    await page.locator('a', { hasText: 'Silence this agent' }).click();
    await page.waitForFunction(() => location.hash.startsWith('#/silences?agent=trade_executor'));
    const form = page.locator('form.silence-form');
    expect(await form.locator('input[name="value"]').inputValue()).toBe('trade_executor');
    await form.locator('select[name="duration"]').selectOption({ label: '2 hours' });
    await form.locator('input[name="comment"]').fill('deploying from the browser test');
    await form.locator('button[type="submit"]').click();
    await page.locator('main [role="status"]', { hasText: /Silence \S+ created/ }).waitFor();
    const row = page.locator('section[data-state="active"] tbody tr').first();
    await row.waitFor();
    expect(await row.innerText()).toMatch(/agent=trade_executor[\s\S]*deploying from the browser test/);
    await shot('silences');

    const listed = (await (await fetch(`${base}/api/meta-agent/silences?state=active`)).json()).data;
    expect(listed).toEqual([expect.objectContaining({ matchers: [{ name: 'agent', value: 'trade_executor', isRegex: false, isEqual: true }], comment: 'deploying from the browser test' })]);
    const hours = (Date.parse(listed[0].endsAt) - Date.parse(listed[0].startsAt)) / 3_600_000;
    expect(hours).toBeCloseTo(2, 2);

    await row.locator('button', { hasText: 'Expire' }).click();
    await page.locator('section[data-state="expired"] tbody tr').first().waitFor();
    expect((await (await fetch(`${base}/api/meta-agent/silences?state=active`)).json()).count).toBe(0);
  });

  it('works from the keyboard, in dark mode and on a narrow screen', async () => {
    await page.goto(base + '/');
    await page.keyboard.press('Tab'); // skip link
    await page.keyboard.press('Tab'); // Overview
    await page.keyboard.press('Tab'); // Agents
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash === '#/agents');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(base + '/');
    await page.locator('#agent-counts', { hasText: 'healthy' }).waitFor();
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(17, 19, 24)');
    await shot('overview-dark-narrow');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows the connection state and recovers after a server restart', async () => {
    await page.goto(base + '/');
    await page.locator('#connection', { hasText: 'live' }).waitFor();
    await agent.stop();
    await page.locator('#connection', { hasText: 'reconnecting' }).waitFor({ timeout: 10_000 });
    agent = startAgent(port);
    await agent.start();
    await page.locator('#connection', { hasText: 'live' }).waitFor({ timeout: 20_000 });
    await agent.services.health.tick();
    await page.locator('#tick', { hasNotText: 'waiting' }).waitFor();
  }, 40_000);
});
