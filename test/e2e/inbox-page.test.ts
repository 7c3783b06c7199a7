import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from '../support/chromium';
import { AppUser, inbox, randomPhone } from './app-user';

describe('the dev inbox page', () => {
  let browser: Browser;
  let app: AppUser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    app?.close();
    await browser?.close();
  });

  it('shows the SMS code of a sign-in that just happened', async () => {
    const page = await browser.newPage();
    await page.goto(inject('inboxUrl'));
    const phone = randomPhone();
    app = new AppUser(phone);
    await app.call('signUp', { phone });
    await app.call('signIn', { phone });
    const { code } = await inbox<{ code: string }>(`/api/sms/latest?phone=${encodeURIComponent(phone)}`);
    await expect
      .poll(async () => (await page.textContent('body'))?.includes(phone), { timeout: 10_000 })
      .toBe(true);
    const text = (await page.textContent('body')) ?? '';
    expect(text.replace(/\s/g, '')).toContain(code);
    await page.close();
  });
});
