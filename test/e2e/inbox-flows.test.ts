import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/chromium';
import { inbox } from './app-user';
import { outputs } from './e2e-support';

const FUNCTION = 'rest-app-api';

interface LiveFlows {
  nodes: { id: string; counts?: { invocations: number; errors: number } }[];
  edges: { from: string; to: string }[];
}

const invocationsOf = async (name: string) =>
  (await inbox<LiveFlows>('/api/flows')).nodes.find((node) => node.id === `function:${name}`)?.counts
    ?.invocations ?? 0;

describe('the dev inbox Flows page', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('counts the calls a REST route makes on its function live, and lists them when the function is clicked', async () => {
    const page = await browser.newPage();
    await page.goto(inject('inboxUrl'));
    await page.click('[data-testid="flows-link"]');
    await page.waitForURL(/\/flows$/);
    const card = page.locator(`[data-testid="flow-function"][data-function="${FUNCTION}"]`);
    await card.waitFor({ timeout: 10_000 });
    // The route's edge into the function comes from the synthesized REST API.
    expect(await card.locator('[data-testid="flow-edge"][data-from="rest:GET /v1/health"]').count()).toBe(1);

    // Other files call this function too: count from what it has now.
    const before = await invocationsOf(FUNCTION);
    const calls = 3;
    for (let call = 0; call < calls; call++) {
      const response = await fetch(`${outputs().custom.restApiUrl}/v1/health`);
      expect([200, 503]).toContain(response.status); // 503: a dependency is down; the function still ran
      await response.arrayBuffer();
    }
    await expect
      .poll(
        async () => {
          const text = (await card.locator('[data-testid="function-counts"]').textContent()) ?? '';
          return Number(/(\d+) invocations/.exec(text)?.[1] ?? -1);
        },
        { timeout: 15_000 },
      )
      .toBeGreaterThanOrEqual(before + calls);

    await card.locator('button.fn').click();
    const table = page.locator(`[data-testid="invocations"][data-function="${FUNCTION}"]`);
    await table.waitFor({ timeout: 10_000 });
    expect(await table.locator('[data-testid="invocation"]').count()).toBeGreaterThanOrEqual(calls);
    await page.close();
  });
});
