export { createMetaAgent, type MetaAgent, type MetaAgentOptions } from './meta-agent.js';
export { defaultConfig, type Config } from './config.js';
export { loadConfig, ConfigError } from './config-loader.js';
export type { SystemStatus, HealthReport } from './services/status.js';
