import type { NewTask } from '../../src/adapters/mongo/task-store';
import { Org, type OrgData } from '../../src/domain/org';
import type { Task } from '../../src/domain/task';

export function newTask(over: Partial<NewTask> = {}): NewTask {
  return {
    origin: `test:${Math.random().toString(36).slice(2)}`,
    title: '推进茂盛路征迁扫尾',
    content: '本周内完成剩余3户签约',
    category: '征迁',
    source: '日常督导',
    priority: '紧急',
    leadUnit: 'MSZ',
    coUnits: ['ZJJ'],
    group: 'G1',
    dispatcher: 'P1',
    dispatchedAt: new Date('2026-12-01T02:00:00Z'),
    deadline: '2026-12-15',
    originalDeadline: '2026-12-15',
    milestones: [],
    state: 'dispatched',
    progress: 0,
    reports: [],
    requests: [],
    returns: 0,
    strict: false,
    ...over,
  };
}

export function task(over: Partial<Task> = {}): Task {
  return { ...newTask(), code: 'DB-2026-0001', rev: 1, history: [], ...over } as Task;
}

/** A small organisation: coordination group G0, special group G1 (MSZ, ZJJ), G2 (LDZ). */
export const orgData: OrgData = {
  units: [
    { code: 'MSZ', name: '梅山镇', kind: 'township', aliases: [], chatId: 'oc_msz', active: true },
    { code: 'ZJJ', name: '住建局', fullName: '县住房和城乡建设局', aliases: ['住建'], kind: 'department', chatId: 'oc_zjj', active: true },
    { code: 'LDZ', name: '罗东镇', kind: 'township', aliases: [], active: true },
    { code: 'ZRZYJ', name: '自然资源局', kind: 'department', aliases: ['资源局'], chatId: 'oc_zrzyj', active: true },
  ],
  groups: [
    { code: 'G0', name: '综合协调组', kind: 'coordination', cityLeader: 'PL', units: [], chatId: 'oc_g0', active: true },
    { code: 'G1', name: '第一专项督导组', kind: 'special', cityLeader: 'PL', units: ['MSZ', 'ZJJ', 'ZRZYJ'], chatId: 'oc_g1', active: true },
    { code: 'G2', name: '第二专项督导组', kind: 'special', cityLeader: 'PL2', units: ['LDZ'], chatId: 'oc_g2', active: true },
  ],
  people: [
    { code: 'P1', name: '张督导', openId: 'ou_sup1', roles: [{ kind: 'supervisor', group: 'G1', position: '组长' }], active: true },
    { code: 'P1B', name: '陈副组长', openId: 'ou_sup1b', roles: [{ kind: 'supervisor', group: 'G1', position: '副组长' }], active: true },
    { code: 'P2', name: '赵督导', openId: 'ou_sup2', roles: [{ kind: 'supervisor', group: 'G2', position: '组长' }], active: true },
    { code: 'P0', name: '钱协调', openId: 'ou_sup0', roles: [{ kind: 'supervisor', group: 'G0', position: '组长' }], active: true },
    { code: 'O1', name: '李联络', openId: 'ou_off1', roles: [{ kind: 'official', unit: 'MSZ', position: '联络员' }], active: true },
    { code: 'O1H', name: '周镇长', openId: 'ou_off1h', roles: [{ kind: 'official', unit: 'MSZ', position: '负责人' }], active: true },
    { code: 'O2', name: '孙住建', openId: 'ou_off2', roles: [{ kind: 'official', unit: 'ZJJ', position: '联络员' }], active: true },
    { code: 'O3', name: '吴罗东', openId: 'ou_off3', roles: [{ kind: 'official', unit: 'LDZ', position: '联络员' }], active: true },
    { code: 'PL', name: '王市长', openId: 'ou_leader', roles: [{ kind: 'cityLeader' }], active: true },
    { code: 'PL2', name: '郑副市长', openId: 'ou_leader2', roles: [{ kind: 'cityLeader' }], active: true },
    { code: 'A1', name: '管理员', openId: 'ou_admin', roles: [{ kind: 'admin' }, { kind: 'observer' }], active: true },
  ],
};

export const org = new Org(orgData);

/** A one-task dispatch order as a supervisor pastes it in the group chat (梅山镇, due 12-15). */
export const ONE_TASK_ORDER = `派单
1. 推进茂盛路征迁扫尾
责任单位：梅山镇
完成时限：12月15日前
工作要求：本周内完成剩余3户签约`;
