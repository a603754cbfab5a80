/** Groups the per-collection files of what the `reminders` job writes: reminder claims, reminder runs, letters. */
export * from './reminder-claims';
export * from './reminder-runs';
export * from './letters';
