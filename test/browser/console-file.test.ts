import path from 'node:path';
import type { Page } from 'playwright-core';
import { browserMissing, launchBrowser, message, ROOT, shot, startService, uniqueDbUri, type RunningService } from './support';

/**
 * Dispatch from a file in the sandbox console (docs/rules.md#dispatch-from-a-file): a supervisor sends a
 * notice file in the group with the 📎 button (or the 示例通知 chip), replies 派单 to it and gets the
 * same preview a pasted order gets.
 */
const missing = browserMissing();
const maybe = missing ? describe.skip : describe;

let svc: RunningService;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;

maybe('a file sent from the sandbox console', () => {
  beforeAll(async () => {
    svc = await startService({ mongoUri: uniqueDbUri(process.env.MONGODB_URI!), clockStart: '2026-12-01T09:30:00+08:00' });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.setDefaultTimeout(60_000);
  }, 120_000);

  afterAll(async () => {
    if (page) await shot(page, 'zz-console-file').catch(() => undefined);
    await browser?.close();
    await svc?.stop();
  }, 60_000);

  async function replyDispatchTo(name: string): Promise<void> {
    const file = message(page, name);
    await file.waitFor();
    await file.getByRole('button', { name: '回复' }).click();
    await page.getByTestId('composer-input').fill('派单');
    await page.getByTestId('composer-input').press('Enter');
  }

  test('a .doc chosen with 📎, then 派单 in reply: the preview with 确认派发', async () => {
    await page.goto(`${svc.base}/sandbox#as=P-SUP-1&chat=oc_demo_g1`);
    await page.locator('.chat-head', { hasText: '第一专项督导组工作群' }).waitFor();
    await page.getByTestId('file-input').setInputFiles(path.join(ROOT, 'test/fixtures/files/notice.doc'));
    await replyDispatchTo('notice.doc');
    const preview = message(page, '茂盛路征迁扫尾', '确认派发');
    await preview.waitFor();
    expect(await preview.innerText()).toContain('河道保洁整治');
    await shot(page, 'console-file-preview', { clean: true });
  }, 180_000);

  test('the 示例通知（文件） chip sends the demo notice', async () => {
    await page.getByRole('button', { name: '示例通知（文件）' }).click();
    await message(page, '📎 关于推进西片区重点工作的督办通知.docx').waitFor();
  }, 120_000);
});
