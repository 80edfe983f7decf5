import * as initial from './001-initial.js';
import * as rollups from './002-rollups.js';
import * as coordination from './003-coordination.js';
import * as registry from './004-registry.js';
import * as problemFamily from './005-problem-family.js';
import * as versions from './006-versions.js';
import * as monitoringSwitch from './007-monitoring-switch.js';
import * as tokens from './008-tokens.js';
import * as otlpStreams from './009-otlp-streams.js';
import * as silences from './010-silences.js';
import * as maintenanceWindows from './011-maintenance-windows.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Applied in order; a version, once released, never changes. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initial.sql },
  { version: 2, name: 'rollups', sql: rollups.sql },
  { version: 3, name: 'coordination', sql: coordination.sql },
  { version: 4, name: 'registry', sql: registry.sql },
  { version: 5, name: 'problem-family', sql: problemFamily.sql },
  { version: 6, name: 'versions', sql: versions.sql },
  { version: 7, name: 'monitoring-switch', sql: monitoringSwitch.sql },
  { version: 8, name: 'tokens', sql: tokens.sql },
  { version: 9, name: 'otlp-streams', sql: otlpStreams.sql },
  { version: 10, name: 'silences', sql: silences.sql },
  { version: 11, name: 'maintenance-windows', sql: maintenanceWindows.sql },
];
