import fc from 'fast-check';
import { cardButtons } from '../../src/cards/inspect';
import { startHarness, type Harness } from '../support/harness';
import { commandText, dispatchText } from '../property/arbitraries';

/**
 * A sample of generated messages end to end: signed, encrypted events through the HTTP endpoint, the
 * service on FerretDB, answers through the fake Feishu. A refused message writes nothing (no preview, no
 * task, no record); an accepted 派单 writes its preview only, never a task before 确认派发.
 */
jest.setTimeout(120_000);
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: '2026-12-01T10:00:00+08:00', encrypt: true });
});
afterAll(() => h.close());

async function state(): Promise<Record<string, number>> {
  const m = h.service.deps.models;
  const out: Record<string, number> = {};
  for (const name of ['tasks', 'taskHistory', 'previews', 'audits', 'counters', 'taskOrigins', 'letters', 'escalations', 'bulletins', 'appeals', 'meetings'] as const) {
    out[name] = await m[name].countDocuments();
  }
  return out;
}

describe('generated messages through the service (FerretDB)', () => {
  it('80 messages: refusals change nothing; a 派单 that parses stores its preview and no task', async () => {
    const seen = { nothingWritten: 0, previews: 0 };
    const message = fc.oneof(
      dispatchText.map((body) => ({ who: 'ou_sup1', chat: 'oc_g1', text: `派单\n${body}` })),
      commandText.map((text) => ({ who: 'ou_off1', chat: 'oc_msz', text })),
    );
    await fc.assert(
      fc.asyncProperty(message, async ({ who, chat, text }) => {
        const before = await state();
        const answers = h.botMessages(chat).length;
        const sent = await h.say(who, text, { chatId: chat });
        expect(sent.status).toBe(200);
        await h.drain();
        const after = await state();
        const replies = h.botMessages(chat).slice(answers);
        const preview = replies.find((r) => r.msg_type === 'interactive' && cardButtons(r.content).some((b) => b.text === '确认派发'));
        if (preview) {
          seen.previews++;
          expect(after).toEqual({ ...before, previews: before.previews + 1 });
        } else {
          seen.nothingWritten++;
          expect(after).toEqual(before);
        }
      }),
      { numRuns: 80 },
    );
    expect(seen.nothingWritten).toBeGreaterThan(0);
  });

  it.each([
    ['a message over messageChars', `派单\n${'甲'.repeat(150_001)}`, '消息内容 150,004 字，超过上限 150,000 字'],
    ['a paste over dispatchChars', `派单\n1. 标题\n责任单位：梅山镇\n完成时限：12月15日前\n工作要求：${'乙'.repeat(64_000)}`, '派单内容 64,033 字，超过上限 64,000 字'],
    ['a requirement over requirementChars', `派单\n1. 标题\n责任单位：梅山镇\n完成时限：12月15日前\n工作要求：${'乙'.repeat(11_951)}`, '工作要求 11,951 字，超过上限 2,000 字'],
  ])('%s is refused with the limit named, and nothing is stored', async (_, text, words) => {
    const before = await state();
    const answers = h.botMessages('oc_g1').length;
    expect((await h.say('ou_sup1', text, { chatId: 'oc_g1' })).status).toBe(200);
    await h.drain();
    const reply = h.botMessages('oc_g1').slice(answers).map((m) => JSON.stringify(m.content)).join('\n');
    expect(reply).toContain(words);
    expect(await state()).toEqual(before);
  });
});
