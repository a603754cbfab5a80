import { featureActions, matchCommand, type Feature } from '../../src/app/feature';

const feature = (name: string, words: string[][], actions: string[] = []): Feature => ({
  name,
  commands: words.map((w, i) => ({ words: w, handle: async () => [{ key: `${name}:${i}` } as never] })),
  actions: Object.fromEntries(actions.map((a) => [a, async () => ({ toast: { type: 'success' as const, content: a } })])),
});

describe('features: commands and actions', () => {
  const fs = [feature('projects', [['立项'], ['确认节点']]), feature('results', [['成效']])];

  test.each([
    ['立项', 'projects', 0, ''],
    ['立项\n项目：茂盛路', 'projects', 0, '项目：茂盛路'],
    ['立项：项目：茂盛路', 'projects', 0, '项目：茂盛路'],
    ['确认节点 XM-2026-001 1', 'projects', 1, 'XM-2026-001 1'],
    ['成效 2026', 'results', 0, '2026'],
    ['\u3000成效\u30002026', 'results', 0, '2026'],
  ])('%j goes to %s', async (text, name, i, body) => {
    const hit = matchCommand(fs, text);
    expect(hit?.body).toBe(body);
    const out = await hit!.command.handle({} as never, {} as never, hit!.body);
    expect(out[0].key).toBe(`${name}:${i}`);
  });

  test.each(['立项目', '成效显著', '我的任务', '', '项目 立项'])('%j is not a feature command', (text) => {
    expect(matchCommand(fs, text)).toBeNull();
  });

  test('an action given by two features is refused at start', () => {
    expect(() => featureActions([feature('a', [], ['x.go']), feature('b', [], ['x.go'])])).toThrow('card action x.go is given by two features (the second: b)');
    expect([...featureActions([feature('a', [], ['x.go']), feature('b', [], ['y.go'])]).keys()]).toEqual(['x.go', 'y.go']);
  });
});
