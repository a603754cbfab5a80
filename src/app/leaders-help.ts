import { hasRole, officialUnits, supervisedGroups, type Person } from '../domain/org';
import type { HelpLine } from './feature';

/** The 帮助 lines of the leaders' side's commands (通报, 会议纪要, 申诉), until they are features of their own. */
export function leadersHelp(p: Person): HelpLine[] {
  const out: HelpLine[] = [];
  const admin = hasRole(p, 'admin');
  const leader = hasRole(p, 'cityLeader');
  if (supervisedGroups(p).length > 0 || admin) {
    out.push({ command: '通报', what: '表扬或批评通报：先写督办单编号或单位，再写内容；另起一行写“发送到：各单位”（或单位、督导组、本群）即发布，不写只预览。单发“通报”看写法', example: '通报 批评 DB-2026-0001 梅山镇 超期未办结\n发送到：各单位' });
  }
  if (leader || admin) out.push({ command: '会议纪要', what: '记录调度会纪要，每项决定生成新的督办事项', example: '会议纪要' });
  if (officialUnits(p).length > 0) out.push({ command: '申诉', what: '对一项扣分（超期、退回、提示函或〔2026〕第N号）提出申诉，不写事项即申诉全部扣分', example: '申诉 DB-2026-0001 超期 系上级政策调整所致' });
  return out;
}
