/** Chat commands (docs/rules.md#commands): help in both languages, full-width input, and help that depends on who asks. */
import { messageText, type FeishuMessage } from '../../src/adapters/feishu/envelope';
import { leadersHelp } from '../../src/app/leaders-help';
import type { TaskService } from '../../src/app/task-service';
import type { CardViews } from '../../src/app/views';
import { statsFeature } from '../../src/features/stats';
import { taskLoopFeature } from '../../src/features/task-loop';
import type { Feature } from '../../src/app/feature';
import { dispatchFeature } from '../../src/features/dispatch';
import { DispatchService } from '../../src/features/dispatch/service';
import { helpCardOf, helpFeature, helpLines } from '../../src/features/help';
import type { AppDeps } from '../../src/app/deps';
import { cardText } from '../../src/cards/inspect';
import { normalize, normalizeCode, parseCommand, progressWithoutCode } from '../../src/domain/commands';
import { Org, type Person } from '../../src/domain/org';

const supervisor: Person = { code: 'P1', name: '张组长', roles: [{ kind: 'supervisor', group: 'G1', position: '组长' }], active: true };
const official: Person = { code: 'P2', name: '李联络员', roles: [{ kind: 'official', unit: 'U1', position: '联络员' }], active: true };
const org = new Org({
  units: [{ code: 'U1', name: '梅山镇', aliases: [], kind: 'township', active: true }],
  groups: [{ code: 'G1', name: '督导一组', kind: 'coordination', cityLeader: 'L1', units: ['U1'], active: true }],
  people: [supervisor, official],
});

const inbound = (text: string, mentions: FeishuMessage['mentions'] = []): FeishuMessage => ({
  type: 'message', eventId: 'ev', senderOpenId: 'ou_x', senderType: 'user', messageId: 'om', chatId: 'oc', chatType: 'group',
  messageType: 'text', content: { text }, mentions,
});

describe('help, in Chinese and English', () => {
  test.each(['帮助', 'help', 'HELP', 'Help', '?', '？', 'help me', '帮助：派单'])('%j is help', (text) => {
    expect(parseCommand(text)).toEqual({ cmd: 'help' });
  });

  test.each(['helpful', '求助', 'hel p', '帮助一下'])('%j is not help', (text) => {
    expect(parseCommand(text).cmd).not.toBe('help');
  });
});

describe('full-width and half-width forms alike', () => {
  test.each([
    ['full-width letters', 'ｈｅｌｐ'],
    ['full-width capitals', 'ＨＥＬＰ'],
    ['ideographic spaces around', '\u3000帮助\u3000'],
    ['full-width question mark', '？'],
  ])('%s: help', (_name, text) => {
    expect(parseCommand(text)).toEqual({ cmd: 'help' });
  });

  test('full-width code, colon, spaces and percent in a command', () => {
    expect(parseCommand('查询\u3000ＤＢ－２０２６－０００１')).toEqual({ cmd: 'query', code: 'DB-2026-0001' });
    expect(parseCommand('查询：DB-2026-7')).toEqual({ cmd: 'query', code: 'DB-2026-0007' });
    expect(parseCommand('ｑｕｅｒｙ ｄｂ－２０２６－１２')).toEqual({ cmd: 'query', code: 'DB-2026-0012' });
    expect(parseCommand('进度：ＤＢ-2026-0001　６０％　已完成3户签约')).toEqual({ cmd: 'progress', code: 'DB-2026-0001', percent: 60, text: '已完成3户签约' });
    expect(parseCommand('催办：DB-2026-0001\u3000请本周五前反馈')).toEqual({ cmd: 'urge', code: 'DB-2026-0001', note: '请本周五前反馈' });
    expect(parseCommand('ｍｙ ｔａｓｋｓ')).toEqual({ cmd: 'my' });
    expect(parseCommand('ＳＴＡＴＳ')).toEqual({ cmd: 'stats' });
  });

  test('normalize and normalizeCode', () => {
    expect(normalize('\u3000ＡＢＣ：１２３％\u3000')).toBe('ABC:123%');
    expect(normalizeCode('ｄｂ＿２０２６＿３')).toBe('DB-2026-0003');
    expect(normalizeCode('DB-26-3')).toBeNull();
  });

  test('a group message: the @-mention is stripped, then full-width help is help', () => {
    const m = inbound('@_user_1\u3000ｈｅｌｐ', [{ key: '@_user_1', openId: 'ou_bot', name: '督导助手' }]);
    expect(messageText(m)).toBe('ｈｅｌｐ');
    expect(parseCommand(messageText(m))).toEqual({ cmd: 'help' });
    const after = inbound('帮助 @_user_1', [{ key: '@_user_1', openId: 'ou_bot' }]);
    expect(parseCommand(messageText(after))).toEqual({ cmd: 'help' });
  });

  test('tabs separate like spaces (a message keeps its tabs for pasted tables)', () => {
    expect(parseCommand('查询\tDB-2026-0001')).toEqual({ cmd: 'query', code: 'DB-2026-0001' });
    expect(parseCommand('进度\tDB-2026-0001\t60%\t已完成3户签约')).toEqual({ cmd: 'progress', code: 'DB-2026-0001', percent: 60, text: '已完成3户签约' });
    expect(parseCommand('催办\u3000\tDB-2026-0001\t请本周五前反馈')).toEqual({ cmd: 'urge', code: 'DB-2026-0001', note: '请本周五前反馈' });
    expect(parseCommand('帮助\t')).toEqual({ cmd: 'help' });
    expect(parseCommand('我的任务\t')).toEqual({ cmd: 'my' });
  });

  test('a pasted table after 派单 reaches the parser with its tabs', () => {
    const table = '事项\t责任单位\t完成时限\n推进征迁扫尾\t梅山镇\t12月15日\n整改安全隐患\t住建局\t12月20日';
    expect(parseCommand(`派单\n${table}`)).toEqual({ cmd: 'dispatch', body: table });
    expect(parseCommand(messageText(inbound(`@_user_1 派单\n${table}`, [{ key: '@_user_1', openId: 'ou_bot' }])))).toEqual({ cmd: 'dispatch', body: table });
  });

  test('a usage error names the word as written', () => {
    expect(parseCommand('查询')).toEqual({ cmd: 'usage', message: expect.stringContaining('“查询”后写上督办单编号') });
  });
});

describe('进度 without a code (a reply to a task card)', () => {
  test.each([
    ['进度 60% 已完成3户签约', { percent: 60, text: '已完成3户签约' }],
    ['进度：60%，已完成', { percent: 60, text: '已完成' }],
    ['进度，６０％，已完成', { percent: 60, text: '已完成' }],
    ['进度 60 已完成', { percent: 60, text: '已完成' }],
    ['进度\t60%\t已完成', { percent: 60, text: '已完成' }],
    ['进度：已完成3户签约，完成80%', { percent: 80, text: '已完成3户签约，完成80%' }],
    ['进度 已完成3户签约', { percent: undefined, text: '已完成3户签约' }],
    ['progress: 100%', { percent: 100, text: '' }],
  ])('%j', (text, want) => {
    expect(progressWithoutCode(text)).toEqual(want);
  });

  test.each(['进度', '进度：', '进度 140% 已完成', '进度 1000%'])('%j is a usage error', (text) => {
    expect(progressWithoutCode(text)).toEqual({ usage: expect.stringContaining('进度 60% 已完成3户签约') });
  });

  test.each(['进度 DB-2026-0001 60% 已完成', '进度：DB-2026-0001 140%', '已完成3户签约', '进度表已报送'])('%j is not one', (text) => {
    expect(progressWithoutCode(text)).toBeNull();
  });

  test('the parser alone finds no code in them', () => {
    expect(parseCommand('进度 60% 已完成3户签约').cmd).toBe('usage');
    expect(parseCommand('进度：60%，已完成').cmd).toBe('usage');
  });
});

/** The features that give 帮助 lines today, in main.ts's order. */
function helpFeatures(deps: AppDeps): Feature[] {
  const views = {} as CardViews;
  const out: Feature[] = [dispatchFeature(deps, new DispatchService(deps)), taskLoopFeature(deps, views, {} as TaskService), { name: 'leaders', help: leadersHelp }, statsFeature(views)];
  out.push(helpFeature(deps, () => out));
  return out;
}
const helpCommands = (p: Person) => helpLines(helpFeatures({} as AppDeps), p);

describe('help differs by role', () => {
  const names = (p: Person) => helpCommands(p).map((c) => c.command);

  test('a supervisor dispatches, urges, escalates and publishes; no unit-side commands', () => {
    const cmds = names(supervisor);
    expect(cmds).toEqual(expect.arrayContaining(['派单', '查询', '催办', '提级', '通报', '统计', '帮助']));
    for (const c of ['我的任务', '进度', '申诉']) expect(cmds).not.toContain(c);
  });

  test('a unit official reports progress and appeals; no dispatching or urging', () => {
    const cmds = names(official);
    expect(cmds).toEqual(expect.arrayContaining(['我的任务', '进度', '查询', '申诉', '帮助']));
    for (const c of ['派单', '催办', '提级', '通报', '统计']) expect(cmds).not.toContain(c);
  });

  test('an admin without an official role is not offered 我的任务 or 进度 (我的任务 would refuse them)', () => {
    const admin: Person = { code: 'A1', name: '管理员', roles: [{ kind: 'admin' }], active: true };
    const cmds = names(admin);
    expect(cmds).toEqual(expect.arrayContaining(['派单', '查询', '催办', '统计', '帮助']));
    for (const c of ['我的任务', '进度', '申诉']) expect(cmds).not.toContain(c);
    const both: Person = { ...admin, roles: [{ kind: 'admin' }, { kind: 'official', unit: 'U1', position: '联络员' }] };
    expect(names(both)).toEqual(expect.arrayContaining(['我的任务', '进度']));
  });

  test('an observer is not offered 统计 (supervisors, leaders and admins only)', () => {
    const observer: Person = { code: 'OB', name: '纪委', roles: [{ kind: 'observer' }], active: true };
    expect(names(observer)).not.toContain('统计');
    expect(names({ ...observer, roles: [{ kind: 'cityLeader' }] })).toContain('统计');
  });

  test('every command comes with an example that parses as that command', () => {
    const expected: Record<string, string> = { 派单: 'dispatch', 我的任务: 'my', 进度: 'progress', 查询: 'query', 催办: 'urge', 提级: 'escalate', 通报: 'bulletin', 申诉: 'appeal', 统计: 'stats', 帮助: 'help' };
    for (const p of [supervisor, official]) {
      for (const c of helpCommands(p)) expect([c.command, parseCommand(c.example).cmd]).toEqual([c.command, expected[c.command]]);
    }
  });

  test('the rendered help card names the role and lists different commands', async () => {
    const deps = { orgs: { get: async () => org, invalidate: () => undefined } } as unknown as AppDeps;
    const sup = cardText(await helpCardOf(deps, helpFeatures(deps), supervisor));
    const off = cardText(await helpCardOf(deps, helpFeatures(deps), official));
    expect(sup).toContain('张组长');
    expect(sup).toContain('督导一组 组长');
    expect(sup).toContain('派单');
    expect(sup).not.toContain('申诉');
    expect(off).toContain('梅山镇 联络员');
    expect(off).toContain('进度 DB-2026-0001 60%');
    expect(off).not.toContain('派单');
    expect(sup).not.toEqual(off);
  });
});
