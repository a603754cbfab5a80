import { statsRefusal } from '../../src/features/stats';
import { org } from '../support/factories';

/** Issue 14 rough edge 10: 统计 refused with the hint that fits the person's role. */
test('an official is pointed to 我的任务', () => {
  expect(statsRefusal(org.person('O1')!)).toMatch(/我的任务/);
});

test('an observer is not told to use 我的任务 (meant for 单位联络员), but where the evaluation is', () => {
  const text = statsRefusal({ code: 'OB1', name: '纪委观察员', roles: [{ kind: 'observer' }], active: true });
  expect(text).not.toMatch(/我的任务|单位联络员/);
  expect(text).toMatch(/督导评价/);
});

test('someone with no role is told to ask the admin', () => {
  expect(statsRefusal({ code: 'X', name: '某人', roles: [], active: true })).toMatch(/联系管理员/);
});
