import { request, subscribe } from '../api';
import { errorBox, fmt, h, mount, pill } from '../dom';
import { graphql } from '../gql';
import type { ImprovementStatus, ImprovementsQuery } from '../gql/graphql';

const Improvements = graphql(`
  query Improvements($status: ImprovementStatus) {
    improvements(status: $status) {
      id type priority title description status confidence createdAt affectedComponents
      estimatedImpact implementationPlan evidence occurrences lastSeenAt problemClearedAt
      assignedAgent routingReason leaseOwner decidedBy decisionReason outcome outcomeDetails result
      approvalsRequired approvals { actor at }
      history { at actor fromStatus toStatus reason }
    }
  }
`);
const Approve = graphql(`mutation ApproveFromPage($id: ID!, $reason: String) { approveImprovement(id: $id, reason: $reason) { message } }`);
const Reject = graphql(`mutation RejectFromPage($id: ID!, $reason: String) { rejectImprovement(id: $id, reason: $reason) { message } }`);
const Events = graphql(`subscription ImprovementFeed { improvementEvents { kind improvement { id title } } }`);

type Improvement = ImprovementsQuery['improvements'][number];

export const STATUSES: ImprovementStatus[] = ['PENDING', 'APPROVED', 'IN_PROGRESS', 'COMPLETED', 'REJECTED', 'FAILED'];

function keyValues(object: Record<string, unknown>): HTMLElement {
  return h(
    'dl',
    { class: 'kv' },
    ...Object.entries(object).flatMap(([k, v]) => [h('dt', {}, k.replace(/_/g, ' ')), h('dd', {}, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v ?? '–'))]),
  );
}

/** The decision form; `done` gets the server's message (shown above the list, which then reloads). */
function decisionForm(i: Improvement, done: (message: string) => void): HTMLElement {
  const reason = h('input', { type: 'text', name: 'reason', maxlength: 2000, placeholder: 'Reason (optional)', 'aria-label': `Reason for ${i.title}` });
  const status = h('p', { class: 'muted', role: 'status' });
  const decide = (approve: boolean) => async () => {
    status.textContent = approve ? 'Approving…' : 'Rejecting…';
    try {
      const variables = { id: i.id, reason: reason.value || null };
      const message = approve ? (await request(Approve, variables)).approveImprovement.message : (await request(Reject, variables)).rejectImprovement.message;
      done(message);
    } catch (error) {
      status.replaceChildren(errorBox(error));
    }
  };
  return h(
    'div',
    { class: 'decide' },
    reason,
    h('button', { type: 'button', class: 'approve', onclick: decide(true) }, 'Approve'),
    h('button', { type: 'button', class: 'reject', onclick: decide(false) }, 'Reject'),
    status,
  );
}

/** Who approved it (a person, or the policy that did), or the approvals it still needs. */
function decision(i: Improvement): HTMLElement | null {
  if (i.decidedBy?.startsWith('policy:')) return h('p', { class: 'policy' }, `Approved by policy ${i.decidedBy.slice('policy:'.length)}: ${i.decisionReason ?? ''}`);
  if (i.decidedBy) return h('p', {}, `Decided by ${i.decidedBy}${i.decisionReason ? `: ${i.decisionReason}` : ''}`);
  if (i.status === 'PENDING' && i.approvalsRequired > 1) {
    const have = i.approvals.map((a) => `${a.actor} (${fmt.ago(a.at)})`);
    return h('p', { class: 'quorum' }, `Needs ${i.approvalsRequired} approvals from different operators; ${have.length} so far${have.length ? `: ${have.join(', ')}` : ''}.`);
  }
  return null;
}

function item(i: Improvement, canDecide: boolean, done: (message: string) => void): HTMLElement {
  const plan = i.implementationPlan as { owner?: string; steps?: string[]; verification?: string };
  return h(
    'article',
    { class: 'improvement', 'data-id': i.id },
    h(
      'details',
      {},
      h(
        'summary',
        {},
        pill(i.priority),
        ' ',
        h('strong', {}, i.title),
        h('span', { class: 'muted' }, ` · ${i.type.toLowerCase()} · confidence ${Math.round(i.confidence * 100)} % · ${i.affectedComponents.join(', ')} · ${fmt.ago(i.createdAt)}`),
        i.problemClearedAt ? h('span', { class: 'pill pill-healthy' }, 'problem cleared') : null,
      ),
      h('p', {}, i.description),
      h('h3', {}, 'Numbers'),
      keyValues(i.estimatedImpact),
      h('h3', {}, `Plan${plan.owner ? ` (${plan.owner.replace('_', ' ')})` : ''}`),
      h('ol', {}, ...(plan.steps ?? []).map((s) => h('li', {}, s))),
      plan.verification ? h('p', { class: 'muted' }, `Verified by: ${plan.verification}`) : null,
      h('p', { class: 'muted' }, `Evidence: ${i.evidence.length} finding(s), seen ${i.occurrences}× (last ${fmt.ago(i.lastSeenAt)})`),
      decision(i),
      i.assignedAgent ? h('p', {}, `Assigned to ${i.assignedAgent}${i.leaseOwner ? `, worked on by ${i.leaseOwner}` : ''}: ${i.routingReason ?? ''}`) : null,
      i.outcome ? h('p', {}, 'Outcome: ', pill(i.outcome), ` ${String((i.outcomeDetails as { reason?: string } | null)?.reason ?? '')}`) : null,
      h('h3', {}, 'History'),
      h('ol', { class: 'history' }, ...i.history.map((e) => h('li', {}, `${fmt.time(e.at)} · ${e.actor}: ${e.fromStatus?.toLowerCase() ?? '—'} → ${e.toStatus.toLowerCase()}${e.reason ? ` (${e.reason})` : ''}`))),
      i.status === 'PENDING' && canDecide ? decisionForm(i, done) : null,
    ),
  );
}

/** Suggestions by status, with evidence, numbers, plan and history; approve or reject from the page; new ones appear live. */
export function improvementsPage(main: HTMLElement, status: ImprovementStatus, canDecide: boolean): () => void {
  const list = h('div', { class: 'list', 'aria-live': 'polite' });
  const notice = h('p', { class: 'muted', role: 'status' });
  mount(
    main,
    h('h1', {}, 'Improvements'),
    h(
      'nav',
      { class: 'tabs', 'aria-label': 'Status' },
      ...STATUSES.map((s) => h('a', { href: `#/improvements?status=${s}`, 'aria-current': s === status ? 'page' : null }, s.toLowerCase().replace('_', ' '))),
    ),
    canDecide ? null : h('p', { class: 'muted' }, 'Your token may read but not decide: approving and rejecting need the operator or admin role.'),
    notice,
    list,
  );
  const decided = (message: string) => {
    notice.textContent = message;
    load();
  };
  const load = () =>
    void request(Improvements, { status })
      .then(({ improvements }) => {
        list.replaceChildren(...(improvements.length ? improvements.map((i) => item(i, canDecide, decided)) : [h('p', { class: 'muted' }, `No ${status.toLowerCase().replace('_', ' ')} improvements.`)]));
      })
      .catch((error: unknown) => list.replaceChildren(errorBox(error)));
  load();
  return subscribe(Events, {}, ({ improvementEvents: e }) => {
    // A decision made here already said so; others are announced as they come.
    if (!notice.textContent?.startsWith(`Improvement '${e.improvement.title}'`)) notice.textContent = `${e.kind.toLowerCase()}: ${e.improvement.title}`;
    load();
  });
}
