/** Groups the per-collection files of the leaders' side (SPEC §6–§7): escalations, meetings, minutes forms, bulletins, appeals. */
export * from './escalations';
export * from './meetings';
export * from './minutes-forms';
export * from './bulletins';
export * from './appeals';
