import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { sampleTemplate } from '../../src/features/ledger/sample-template';
import { browserMissing, launchBrowser, shot, startService, toastOf, uniqueDbUri, type RunningService } from './support';

/**
 * The dashboard's 台账 tab in a real browser (sandbox mode): the built-in template in use, a bad
 * template refused with its cell listed, the sample template uploaded and used, the 台账 downloaded;
 * then `台账` in the sandbox console arriving as a file that downloads.
 */
const missing = browserMissing();
if (missing) process.stdout.write(`\nbrowser tests skipped: ${missing}\n\n`);
const maybe = missing ? describe.skip : describe;

let svc: RunningService;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dudao-ledger-'));

maybe('the 台账 tab', () => {
  beforeAll(async () => {
    svc = await startService({ mongoUri: uniqueDbUri(process.env.MONGODB_URI!, 'ledger'), clockStart: '2026-12-01T09:30:00+08:00' });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.setDefaultTimeout(30_000);
  }, 120_000);
  afterAll(async () => {
    if (page) await shot(page, 'ledger-last').catch(() => undefined);
    await browser?.close();
    await svc?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  test('upload a bad template (its cell listed), then the sample; download the 台账 in that layout', async () => {
    await page.goto(`${svc.base}/admin#ledger`);
    await page.getByTestId('token-input').fill('sandbox-admin-token');
    await page.getByTestId('token-submit').click();
    await page.getByTestId('ledger-template').filter({ hasText: '正在使用内置模板' }).waitFor();

    const bad = new ExcelJS.Workbook();
    bad.addWorksheet('台账').getRow(2).values = ['{{序号}}', '{{事项名}}'];
    const badFile = path.join(dir, 'bad.xlsx');
    fs.writeFileSync(badFile, Buffer.from(await bad.xlsx.writeBuffer()));
    await page.getByTestId('ledger-file').setInputFiles(badFile);
    await page.getByTestId('ledger-upload').click();
    await page.getByTestId('ledger-problems').filter({ hasText: 'B2：unknown placeholder {{事项名}}' }).waitFor();

    const good = path.join(dir, '我们的台账.xlsx');
    fs.writeFileSync(good, await sampleTemplate());
    await page.getByTestId('ledger-file').setInputFiles(good);
    await page.getByTestId('ledger-upload').click();
    expect(await toastOf(page, '台账模板已更新')).toBe('success');
    await page.getByTestId('ledger-template').filter({ hasText: '正在使用上传的模板“我们的台账.xlsx”' }).waitFor();
    await shot(page, 'ledger-tab', { clean: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('ledger-export').click()]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(fs.readFileSync((await download.path())!) as never);
    expect(wb.worksheets[0].getCell('A1').value).toBe('全部督导组重点督办事项推进情况台账');

    // in the sandbox console, the group's 组长 asks in the group chat: a line, then the file, which downloads
    await page.goto(`${svc.base}/sandbox#as=P-SUP-1&chat=oc_demo_g1`);
    await page.locator('.chat-head', { hasText: '第一专项督导组工作群' }).waitFor();
    await page.getByTestId('composer-input').fill('台账');
    await page.getByTestId('composer-input').press('Enter');
    const link = page.getByTestId('file-link').filter({ hasText: '台账-第一专项督导组-2026-12.xlsx' });
    await link.waitFor();
    await shot(page, 'ledger-in-chat', { clean: true });
    const [inChat] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const fromChat = new ExcelJS.Workbook();
    await fromChat.xlsx.load(fs.readFileSync((await inChat.path())!) as never);
    expect(fromChat.worksheets[0].getCell('A1').value).toBe('第一专项督导组重点督办事项推进情况台账');
  }, 120_000);
});
