import type { Config } from '../config.js';
import type { AgentStatus } from '../domain/agent.js';
import { SpecialistRole } from '../domain/enums.js';
import type { Improvement } from '../domain/improvement.js';
import { memoryShareOverLimit } from '../domain/health.js';
import { ProblemFamily } from '../domain/problem.js';

export interface Route {
  role: SpecialistRole;
  reason: string;
}

/** Latency and CPU within their thresholds, and memory within its share of the agent's limit. */
function latencyAndResourcesHealthy(agent: AgentStatus, config: Config): boolean {
  const t = config.thresholds;
  const m = agent.metrics;
  const limit = config.agents.find((a) => a.name === agent.name)?.memoryLimitMb;
  return (
    agent.health !== 'offline' &&
    // An agent that cannot be reached or is not running has no output to improve.
    agent.watch_error === null &&
    (m.response_time === null || m.response_time <= t.response_time) &&
    (m.cpu_usage === null || m.cpu_usage <= t.cpu_usage) &&
    memoryShareOverLimit(m.memory_usage, limit, t) === undefined
  );
}

/**
 * Which specialist gets an approved improvement: by its type through the configured table,
 * except failures of an agent whose latency and resources are healthy — an LLM agent's output
 * quality — which go to the prompt engineer.
 */
export async function routeImprovement(
  improvement: Pick<Improvement, 'type' | 'problem_family' | 'affected_components'>,
  config: Config,
  statuses: () => Promise<readonly AgentStatus[]>,
): Promise<Route> {
  const { coordination } = config;
  if (coordination.promptEngineerForQuality && improvement.problem_family === ProblemFamily.failures) {
    const agents = (await statuses()).filter((s) => improvement.affected_components.includes(s.name));
    const healthyOtherwise = agents.length > 0 && agents.every((s) => latencyAndResourcesHealthy(s, config));
    if (healthyOtherwise) {
      return {
        role: SpecialistRole.prompt_engineer,
        reason: `failures of ${agents.map((a) => a.name).join(', ')} with healthy latency and resources point at output quality (prompt_engineer)`,
      };
    }
  }
  const role = coordination.routing[improvement.type];
  return { role, reason: `type ${improvement.type} goes to ${role} (routing table)` };
}
