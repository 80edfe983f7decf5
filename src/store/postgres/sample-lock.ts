/**
 * Sample writes take this transaction-level advisory lock (any fixed number) before they take
 * their ids, so rows commit in id order across every connection and replica: a reader that
 * resumes after the last id it saw (the rollup fold, the analysis worker) never skips a row
 * that committed late. One write at a time is what SQLite does too; each carries a whole batch.
 * Moving the window buckets' coverage mark takes it too (window-buckets.ts).
 */
export const SAMPLE_WRITE_LOCK = 727_002;
