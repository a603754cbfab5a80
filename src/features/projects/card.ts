import { cardValue } from '../../cards/actions';
import { LIGHT_HEADER, LIGHT_TAG_COLOR, cut, lightText, worstLight } from '../../cards/common';
import { renderCard, type Card } from '../../cards/template';
import type { WorkCalendar } from '../../domain/calendar';
import { LIGHT_EMOJI, type Light, type LightColor } from '../../domain/lights';
import type { Org } from '../../domain/org';
import { milestoneLight, projectLight, type Project } from '../../domain/project';
import { STATE_LABEL, type Task } from '../../domain/task';
import { shortDate, localDate } from '../../domain/time';

/** The project card (cards/project.json): milestones with lights, its tasks, the latest site photos, the 确认节点 form. */
export const PROJECT_CARD_TASKS = 15;
export const PROJECT_CARD_PHOTOS = 3;

export function projectCard(p: Project, tasks: { task: Task; light: Light }[], o: { org: Org; now: Date; tz: string; cal: WorkCalendar }): Card {
  const today = localDate(o.now, o.tz);
  const pl = projectLight(p, today, o.cal);
  const openTasks = tasks.filter((t) => t.light.color !== 'none');
  const color: LightColor = worstLight([pl.color, ...openTasks.map((t) => t.light.color)]);
  const milestones = p.milestones.map((m) => {
    const l = milestoneLight(m, today, o.cal);
    const status = m.confirmedAt
      ? `已现场确认（${shortDate(localDate(m.confirmedAt, o.tz), today)} ${o.org.personName(m.confirmedBy ?? '')}${m.visit ? ` · ${m.visit}` : ''}${m.note ? `：${cut(m.note, 40, true)}` : ''}）`
      : l.reason;
    return { emoji: LIGHT_EMOJI[l.color], seq: m.seq, date: shortDate(m.date, today), label: cut(m.label, 40, true), status };
  });
  const next = p.milestones.find((m) => !m.confirmedAt);
  const shown = tasks.slice(0, PROJECT_CARD_TASKS).map(({ task: t, light }) => ({
    emoji: LIGHT_EMOJI[light.color],
    code: t.code,
    title: cut(t.title, 30, true),
    unit: o.org.unitName(t.leadUnit),
    state: STATE_LABEL[t.state],
    reason: light.reason,
  }));
  const photos = p.photos.slice(0, PROJECT_CARD_PHOTOS).map((ph) => ({ key: ph.imgKey, alt: `现场照片 ${shortDate(localDate(ph.at, o.tz), today)}` }));
  return renderCard('project', {
    summary: `${p.code} ${cut(p.name, 20, true)}：节点 ${pl.reached}/${p.milestones.length}，${pl.reason}`,
    name: cut(p.name, 40, true),
    code: p.code,
    category: p.category,
    reached: pl.reached,
    total: p.milestones.length,
    color: LIGHT_HEADER[color],
    lightText: lightText(pl.color),
    tagColor: LIGHT_TAG_COLOR[pl.color],
    reason: pl.reason,
    leadUnit: o.org.unitName(p.leadUnit),
    coUnits: p.coUnits.map((c) => o.org.unitName(c)).join('、') || '—',
    groupName: o.org.group(p.group)?.name ?? p.group,
    leaderName: o.org.personName(p.leader),
    milestones,
    taskCount: tasks.length,
    noTasks: tasks.length === 0,
    tasks: shown,
    moreTasks: tasks.length > shown.length ? tasks.length - shown.length : null,
    hasPhotos: photos.length > 0,
    photos,
    // the button confirms exactly this milestone (its seq is in the value) and the card and its dialog name it
    next: next ? { seq: next.seq, text: `${shortDate(next.date, today)} ${cut(next.label, 40, true)}`, value: cardValue('project.confirm', { c: p.code, x: String(next.seq) }) } : null,
  });
}
