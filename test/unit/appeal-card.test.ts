import type { AppealDoc } from '../../src/adapters/mongo/models/appeals';
import type { AppDeps } from '../../src/app/deps';
import { AppealService } from '../../src/features/appeals/service';
import { cardText } from '../../src/cards/inspect';
import { checkCard } from '../../src/cards/limits';
import { Org } from '../../src/domain/org';
import { orgData } from '../support/factories';

/** The appeal card's footer says what this appeal, upheld, removes (issue 14, rough edge 14). */
const service = new AppealService({ settings: { tz: 'Asia/Shanghai' }, models: { appeals: {} } } as unknown as AppDeps);
const org = new Org(orgData);
const appeal = (items: AppealDoc['items']): AppealDoc =>
  ({ _id: 'AP-DB-2026-0001-1', code: 'DB-2026-0001', unit: 'MSZ', group: 'G1', reason: '系上级政策调整', items, state: 'pending', by: 'O1', at: new Date('2026-12-01T02:00:00Z'), rev: 1 }) as AppealDoc;

describe('appeal card footer', () => {
  test('an appeal of one letter names that letter, not 超期 and 退回', () => {
    const card = service.card(appeal({ overdueWorkdays: 0, returns: 0, letters: ['2026-3'] }), org, '推进茂盛路征迁扫尾');
    expect(checkCard(card)).toEqual([]);
    const text = cardText(card);
    expect(text).toContain('申诉成立：督导提示函〔2026〕第3号不再计入排名扣分（该提示函视为撤销）');
    expect(text).not.toContain('该事项的超期、退回和督导提示函');
  });

  test('an appeal of 超期 says nothing of letters', () => {
    const text = cardText(service.card(appeal({ overdueWorkdays: 4, returns: 0, letters: [] }), org, 't'));
    expect(text).toContain('申诉成立：超期 4 个工作日不再计入排名扣分；维持原评：计分不变。');
    expect(text).not.toContain('提示函视为撤销');
  });
});
