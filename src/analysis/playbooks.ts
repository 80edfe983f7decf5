import { ImprovementType, SpecialistRole } from '../domain/enums.js';
import { ProblemFamily } from '../domain/problem.js';

/** What to do about one kind of problem: who owns it and the concrete steps. */
export interface Playbook {
  type: ImprovementType;
  owner: SpecialistRole;
  title: (agent: string) => string;
  steps: string[];
}

/** What to do about each problem family. */
export const PLAYBOOKS: Record<ProblemFamily, Playbook> = {
  [ProblemFamily.latency]: {
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
  [ProblemFamily.failures]: {
    type: ImprovementType.reliability,
    owner: SpecialistRole.code_editor,
    title: (agent) => `Reduce the failures of ${agent}`,
    steps: [
      'Collect the failed operations of the window with their error messages and inputs, and rank the errors by count.',
      'Group failures by cause (validation, upstream errors, timeouts, model output rejected).',
      'Reproduce the most frequent one with its failing input and fix it at the source; retry with backoff only transient upstream errors.',
      'Add a regression test for the fixed path.',
      'Deploy, then confirm the success rate stays above (and the error rate under) the clear level for 30 minutes.',
    ],
  },
  [ProblemFamily.cpu]: {
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
  [ProblemFamily.memory]: {
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
  [ProblemFamily.tokens]: {
    type: ImprovementType.efficiency,
    owner: SpecialistRole.prompt_engineer,
    title: (agent) => `Cut the tokens each request of ${agent} costs`,
    steps: [
      'Compare the prompts and responses of requests from before and after the rise: what grew (system prompt, retrieved context, conversation history, tool output, answers)?',
      'Trim what grew: cap retrieved context and history, summarise long tool output, drop instructions the model no longer needs.',
      'Set or lower the response token limit where answers got longer than their use needs.',
      'Cache answers to repeated questions and reuse a shared prompt prefix where the model supports prompt caching.',
      'Deploy, then confirm tokens per request return under the clear level for 30 minutes without hurting the success rate.',
    ],
  },
  [ProblemFamily.hostCpu]: {
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
  [ProblemFamily.hostMemory]: {
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
  [ProblemFamily.silent]: {
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
