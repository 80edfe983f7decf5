/** Builds `count` samples of one agent, `stepMs` apart, ending at `endMs`. */
export function series(
  agentName: string,
  endMs: number,
  count: number,
  stepMs: number,
  fields: (i: number) => Record<string, number | null>,
): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => ({
    agent_name: agentName,
    timestamp: new Date(endMs - (count - 1 - i) * stepMs).toISOString(),
    ...fields(i),
  }));
}
