/** Every card the bot sends: typed builders over the templates in cards/, and the limits check. */
export { taskCard, taskCardVars, evidenceText, taskEvidenceText, progressReplyText, MAX_UNIT_OPTIONS, type TaskCardContext, type TaskCardMode, type UnitOption } from './task-card';
export { dispatchPreviewCard, dispatchFormCard, DISPATCH_FIELDS, MAX_FORM_OPTIONS, type DispatchPreviewInput, type DispatchFormInput, type PreviewTask, type DispatchField } from './dispatch-cards';
export { rollupCard, myTasksCard, weeklyDigestCard, byUrgency, type RollupInput, type RollupTask, type MyTasksInput, type MyTaskItem, type WeeklyDigestInput, type WeeklyUnit } from './list-cards';
export { statsCard, monthlySummaryCard, type StatsInput, type MonthlySummaryInput, type OverdueItem, type RankingRow } from './stats-cards';
export { urgeCard, reminderDigestCard, letterCard, leaderOverdueCard, type UrgeInput, type ReminderDigestInput, type ReminderItem, type ReminderKind, type LetterInput, type LeaderOverdueInput, type TaskBrief } from './reminder-cards';
export { escalationCard, minutesFormCard, MINUTES_FIELDS, MAX_MINUTES_OPTIONS, type EscalationInput, type EscalationState, type MinutesFormInput } from './leader-cards';
export { helpCard, bulletinCard, noticeCard, type HelpInput, type BulletinInput, type NoticeInput } from './message-cards';
export { checkCard, inspectCard, cardBytes, CARD_MAX_BYTES, MAX_ELEMENTS, type CardStats } from './limits';
export { renderCard, renderTemplate, escapeMarkdown, CardTemplateError, type Card } from './template';
export { cardButtons, findButton, formFields, cardText, type ButtonInfo, type FieldInfo } from './inspect';
