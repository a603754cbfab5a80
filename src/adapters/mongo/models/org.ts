/** Groups the per-collection files of the organisation: units, groups, people. */
export * from './units';
export * from './groups';
export * from './people';
