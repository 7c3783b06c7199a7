import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Inbox, startInbox } from '../../../local/inbox/server';
import { fakeSources, sms } from './fake-sources';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const MALICIOUS = '<img src=x onerror=alert(1)>';

describe('the dev inbox page in headless Chromium', () => {
  const sources = fakeSources();
  let inbox: Inbox;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is not installed at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`,
      );
    }
    inbox = await startInbox({ port: 0, sources });
    // Playwright runs it headless with a throwaway profile of its own.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await inbox?.stop();
  });

  it('shows a newly sent code within seconds and an HTML-looking SMS body as plain text', async () => {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(inbox.url);
    await page.getByText('Nothing here yet').waitFor({ timeout: 5000 });

    sources.sms.add(
      sms('+821012345678', '[부톡] 인증번호 [123456]을 입력해주세요.', new Date().toISOString()),
    );
    const code = page.locator('[data-testid="sms-code"]');
    await code.first().waitFor({ timeout: 5000 });
    expect(await code.allTextContents()).toEqual(['123456']);

    sources.sms.add(sms('+821012345678', MALICIOUS, new Date().toISOString()));
    const messages = page.locator('[data-testid="sms-message"]');
    await messages.nth(1).waitFor({ timeout: 5000 });
    expect(await messages.first().textContent()).toBe(MALICIOUS);
    expect(await page.locator('img').count()).toBe(0);
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
