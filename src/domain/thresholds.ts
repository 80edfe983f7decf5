/** Where a metric turns bad, in the seed's units; the config file's `thresholds` satisfies it. */
export interface Thresholds {
  /** Seconds, mean over the window. */
  response_time: number;
  /** 0..1; lower is worse. */
  success_rate: number;
  /** Percent of one core. */
  cpu_usage: number;
  /** Percent (of the host, or of an agent's configured memory limit). */
  memory_usage: number;
  /** 0..1. */
  error_rate: number;
}
