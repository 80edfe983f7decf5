import { ImprovementType, SpecialistRole } from '../domain/enums.js';

/** What to do about one kind of problem: who owns it and the concrete steps. */
export interface Playbook {
  type: ImprovementType;
  owner: SpecialistRole;
  title: (agent: string) => string;
  steps: string[];
}

/** Keyed by problem family: `<metric>:<direction>`. */
export const PLAYBOOKS: Record<string, Playbook> = {
  'response_time:high': {
    type: ImprovementType.performance,
    owner: SpecialistRole.performance_analyst,
    title: (agent) => `Reduce response time of ${agent}`,
    steps: [
      'Profile the slowest operations of the agent over the breach window (per-call timings, external API latency).',
      'Check whether the slowdown follows request volume, host CPU or memory pressure, or one downstream dependency.',
      'Cache or batch repeated external calls; add timeouts with fallbacks to calls that can hang.',
      'Move blocking work off the request path or parallelise independent calls.',
      'Deploy, then confirm the mean response time stays under the clear level for 30 minutes.',
    ],
  },
  'success_rate:low': {
    type: ImprovementType.reliability,
    owner: SpecialistRole.code_editor,
    title: (agent) => `Restore success rate of ${agent}`,
    steps: [
      'Collect the failed operations of the breach window with their error messages and inputs.',
      'Group failures by cause (validation, upstream errors, timeouts, model output rejected).',
      'Fix the dominant cause; add retries with backoff only for transient upstream errors.',
      'Add a regression test reproducing the dominant failure.',
      'Deploy, then confirm the success rate stays above the clear level for 30 minutes.',
    ],
  },
  'error_rate:high': {
    type: ImprovementType.reliability,
    owner: SpecialistRole.code_editor,
    title: (agent) => `Cut the error rate of ${agent}`,
    steps: [
      'Pull the errors logged by the agent in the breach window and rank them by count.',
      'Reproduce the most frequent error locally with the failing input.',
      'Fix it at the source; handle expected upstream failures explicitly instead of raising.',
      'Add a test for the fixed path and an alert on the error count.',
      'Deploy, then confirm the error rate stays under the clear level for 30 minutes.',
    ],
  },
  'cpu_usage:high': {
    type: ImprovementType.efficiency,
    owner: SpecialistRole.performance_analyst,
    title: (agent) => `Lower CPU usage of ${agent}`,
    steps: [
      'Take a CPU profile of the agent during load (e.g. a flame graph over 60 s).',
      'Find hot loops: repeated parsing, serialisation, or recomputation of unchanged data.',
      'Cache or precompute the hot results; vectorise numeric work.',
      'If the load is legitimate, give the agent more cores or split its work across instances.',
      'Deploy, then confirm CPU stays under the clear level for 30 minutes.',
    ],
  },
  'memory_usage:high': {
    type: ImprovementType.reliability,
    owner: SpecialistRole.code_editor,
    title: (agent) => `Stop the memory growth of ${agent}`,
    steps: [
      'Take two heap snapshots some minutes apart (or a memory profile) and compare what grew.',
      'Look for caches, queues, listeners or per-request state that are never released; bound them by size or TTL.',
      'If restarts have been hiding the growth, keep them as a stopgap but fix the retention itself.',
      'Stream large datasets instead of loading them whole.',
      'Deploy, then confirm resident memory stays flat for several hours.',
    ],
  },
  'host_cpu:high': {
    type: ImprovementType.scalability,
    owner: SpecialistRole.system_architect,
    title: () => 'Relieve CPU saturation of the host',
    steps: [
      'List the processes using the most CPU on the host during the saturated periods.',
      'Move the heaviest agents to their own host or cap their CPU (cgroups, container limits).',
      'Spread scheduled work (research cycles, batch jobs) so it does not run all at once.',
      'Add cores or hosts if the load is legitimate and growing.',
      'Confirm host CPU stays under the clear level and the affected agents recover.',
    ],
  },
  'host_memory:high': {
    type: ImprovementType.scalability,
    owner: SpecialistRole.system_architect,
    title: () => 'Relieve memory pressure on the host',
    steps: [
      'List the processes with the largest resident memory on the host.',
      'Fix agents whose memory grows (see their leak findings) and set memory limits per agent.',
      'Move memory-heavy agents to another host or add memory.',
      'Confirm host memory stays under the clear level.',
    ],
  },
  'availability:silent': {
    type: ImprovementType.reliability,
    owner: SpecialistRole.code_editor,
    title: (agent) => `Bring ${agent} back and keep it reporting`,
    steps: [
      'Check whether the agent process is running and read its last log lines.',
      'If it crashed, find the cause (exit code, OOM kill, unhandled exception) and fix it.',
      'Run the agent under a supervisor that restarts it and reports the restart.',
      'Give the agent a health endpoint and configure it as a pull check so silence is caught at once.',
      'Confirm samples arrive again at the usual rate.',
    ],
  },
};
