/**
 * A fleet-wide snapshot over the recent health window (table system_metrics).
 * Averages are null when no agent reported that metric in the window: no data is not 0.
 */
export interface SystemMetrics {
  id?: number;
  timestamp: string;
  total_agents: number;
  active_agents: number;
  failed_agents: number;
  degraded_agents: number;
  offline_agents: number;
  avg_response_time: number | null;
  avg_success_rate: number | null;
  system_cpu_usage: number | null;
  system_memory_usage: number | null;
  total_errors: number;
  total_insights: number;
  research_cycles_completed: number;
  performance_score: number | null;
  window_seconds: number;
  /** Host 1-minute load average and the data directory's disk usage, percent. */
  load_average: number | null;
  disk_used_percent: number | null;
}
