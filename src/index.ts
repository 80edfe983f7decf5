export { createMetaAgent, type MetaAgent, type MetaAgentOptions } from './meta-agent.js';
export { loadConfig, defaultConfig, ConfigError, type Config } from './config.js';
export type { SystemStatus, HealthReport } from './services/status.js';
