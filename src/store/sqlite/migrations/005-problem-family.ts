/**
 * The problem family of a suggestion as a column of its own (it was read out of the
 * fingerprint by string functions, in SQL and in code). Filled once here from the
 * fingerprints of existing rows: `<agent or fleet>:<family>`.
 */
export const sql = `
ALTER TABLE system_improvements ADD COLUMN problem_family TEXT;
UPDATE system_improvements SET problem_family = substr(fingerprint, instr(fingerprint, ':') + 1) WHERE fingerprint IS NOT NULL;
CREATE INDEX idx_improvements_family ON system_improvements (problem_family, outcome);
`;
