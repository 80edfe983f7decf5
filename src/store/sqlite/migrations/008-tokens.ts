/**
 * LLM tokens as sample metrics (input and output tokens in the interval): raw columns, rollup
 * sums (and, for the analysis' tokens per request, the tokens and requests of the samples that
 * report both), and per agent running totals in the registry (the Prometheus counters read them).
 */
export const sql = `
ALTER TABLE agent_performance_history ADD COLUMN input_tokens INTEGER;
ALTER TABLE agent_performance_history ADD COLUMN output_tokens INTEGER;
ALTER TABLE agent_rollups ADD COLUMN input_tokens_sum REAL NOT NULL DEFAULT 0;
ALTER TABLE agent_rollups ADD COLUMN input_tokens_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agent_rollups ADD COLUMN output_tokens_sum REAL NOT NULL DEFAULT 0;
ALTER TABLE agent_rollups ADD COLUMN output_tokens_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agent_rollups ADD COLUMN tokens_with_requests_sum REAL NOT NULL DEFAULT 0;
ALTER TABLE agent_rollups ADD COLUMN tokens_with_requests_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agent_rollups ADD COLUMN requests_with_tokens_sum REAL NOT NULL DEFAULT 0;
ALTER TABLE agent_rollups ADD COLUMN requests_with_tokens_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN input_tokens_total INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN output_tokens_total INTEGER NOT NULL DEFAULT 0;
`;
