/** File messages through the outbox (docs/architecture.md#files-out): made when sent, uploaded once, sent once. */
import { FeishuMessenger } from '../../src/adapters/feishu/messenger';
import { OutboxWorker } from '../../src/adapters/feishu/outbox-worker';
import { Locks } from '../../src/adapters/mongo/lock';
import type { OutboxItem, OutboxRow } from '../../src/app/outbox-item';
import { itemProblem, OutboxStore } from '../../src/adapters/mongo/outbox-store';
import { FileMakers, fileTypeOf } from '../../src/app/files-out';
import { fileItem } from '../../src/app/notify';
import { createLogger } from '../../src/log';
import { FakeFeishu } from '../fake-feishu';
import { openTestDb, type TestDb } from '../support/db';

const SEND = '/open-apis/im/v1/messages';
const FILES = '/open-apis/im/v1/files';
let db: TestDb;
let fake: FakeFeishu;
let store: OutboxStore;

beforeAll(async () => {
  db = await openTestDb('outbox_files');
  store = new OutboxStore(db.models);
  fake = await FakeFeishu.start({ appId: 'cli_f', appSecret: 'secret' });
});
afterAll(async () => {
  await fake.stop();
  await db.drop();
});
beforeEach(async () => {
  await Promise.all([db.models.outbox.deleteMany({}), db.models.locks.deleteMany({})]);
  fake.reset({ directory: true });
  fake.addChat({ chatId: 'oc_g', name: '督导一组', members: ['ou_a'] });
});

/** Makers that count their calls: 'sheet' makes `<month>.xlsx` holding its arguments, 'gone' nothing. */
function makers() {
  const calls: unknown[] = [];
  const files = new FileMakers();
  files.add('sheet', async (args) => {
    calls.push(args);
    const name = `台账-${String(args.month)}.xlsx`;
    return { name, bytes: Buffer.from(JSON.stringify(args)), fileType: fileTypeOf(name) };
  });
  files.add('gone', async () => null);
  return { files, calls };
}
const worker = (files?: FileMakers) =>
  new OutboxWorker({ models: db.models, store, locks: new Locks(db.models.locks), messenger: new FeishuMessenger({ appId: 'cli_f', appSecret: 'secret', domain: fake.url, timeoutMs: 5000 }), renderer: { render: async () => null }, files, log: createLogger('silent'), lockTtlMs: 2000 });
const to = { type: 'chat_id' as const, id: 'oc_g' };
const row = (key: string) => db.models.outbox.findById(key).lean<OutboxRow>();

test('queued with no worker running (as if the process died), a later worker makes, uploads and sends it once', async () => {
  await store.put([fileItem('file-1', to, { kind: 'sheet', args: { group: 'G1', month: '2026-10' } })]);
  const { files, calls } = makers();
  await worker(files).drain(20_000);
  const [msg] = fake.messagesIn('oc_g');
  expect(msg.msg_type).toBe('file');
  expect(fake.fileOf(msg.message_id)).toMatchObject({ fileName: '台账-2026-10.xlsx', bytes: Buffer.from('{"group":"G1","month":"2026-10"}') });
  expect(fake.calls({ path: FILES })[0].body).toMatchObject({ file_type: 'xls' });
  expect(calls).toHaveLength(1);
  expect(await row('file-1')).toMatchObject({ status: 'sent', sentMessageId: msg.message_id, fileKey: expect.stringMatching(/^file_v3_/) });
});

test('the send fails after the upload: the retry sends the same upload, one upload and one message in all', async () => {
  fake.inject({ path: SEND, times: 2, fault: { type: 'status', status: 500 } });
  await store.put([fileItem('file-2', to, { kind: 'sheet', args: { month: '2026-11' } })]);
  const { files, calls } = makers();
  await worker(files).drain(30_000);
  expect(fake.messagesIn('oc_g')).toHaveLength(1);
  expect(fake.calls({ path: FILES, status: 200 })).toHaveLength(1);
  expect(calls).toHaveLength(1);
});

test('a failed upload is retried; the file is made again for it', async () => {
  fake.inject({ path: FILES, times: 1, fault: { type: 'status', status: 503 } });
  await store.put([fileItem('file-3', to, { kind: 'sheet', args: { month: '2026-12' } })]);
  const { files, calls } = makers();
  await worker(files).drain(30_000);
  expect(fake.messagesIn('oc_g')).toHaveLength(1);
  expect(calls).toHaveLength(2);
});

test('a maker with nothing to show supersedes the row; an unknown kind fails it for good; neither sends', async () => {
  await store.put([fileItem('file-4', to, { kind: 'gone', args: {} }), fileItem('file-5', { type: 'chat_id', id: 'oc_other' }, { kind: 'nobody-makes-this', args: {} })]);
  fake.addChat({ chatId: 'oc_other', name: 'x', members: ['ou_a'] });
  await worker(makers().files).drain(20_000);
  expect(fake.calls({ path: FILES })).toHaveLength(0);
  expect(fake.calls({ path: SEND })).toHaveLength(0);
  expect(await row('file-4')).toMatchObject({ status: 'superseded', lastError: { code: 'gone' } });
  expect(await row('file-5')).toMatchObject({ status: 'failed', lastError: { code: 'no_maker', permanent: true } });
});

test('file items are checked when queued', () => {
  const base = fileItem('k', to, { kind: 'sheet', args: {} });
  expect(itemProblem(base)).toBeNull();
  expect(itemProblem({ ...base, file: undefined })).toMatch(/needs file/);
  expect(itemProblem({ ...base, content: { file_key: 'x' } })).toMatch(/takes no content/);
  expect(itemProblem({ ...base, kind: 'patch', messageId: 'om_1' } as OutboxItem)).toMatch(/send or a reply/);
  expect(itemProblem({ ...base, msgType: 'text', content: { text: 'x' } })).toMatch(/file is for msgType file/);
  expect(fileTypeOf('成效.docx')).toBe('doc');
  expect(fileTypeOf('a.PDF')).toBe('pdf');
  expect(fileTypeOf('a.zip')).toBe('stream');
});
