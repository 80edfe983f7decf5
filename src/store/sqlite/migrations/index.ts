import * as initial from './001-initial.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Applied in order; a version, once released, never changes. */
export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'initial', sql: initial.sql }];
