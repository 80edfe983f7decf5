/** Who may do what: one table, read by REST routes, GraphQL fields and websockets alike. */
export const Role = {
  viewer: 'viewer',
  agent: 'agent',
  operator: 'operator',
  admin: 'admin',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export const Permission = {
  /** Every query, subscription and GET. */
  read: 'read',
  /** Report metrics. */
  report: 'report',
  /** Work as a specialist: assignments, claim, renew, complete, fail. */
  work: 'work',
  /** Approve, reject, trigger analysis, start and stop monitoring, forget agents. */
  operate: 'operate',
} as const;
export type Permission = (typeof Permission)[keyof typeof Permission];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  viewer: ['read'],
  agent: ['read', 'report', 'work'],
  operator: ['read', 'operate'],
  admin: ['read', 'report', 'work', 'operate'],
};

export const ROLES = Object.values(Role);

/** Who is asking, once their token checked out. */
export interface Principal {
  /** Recorded as the actor of every decision: the token's name, or role and hash prefix. */
  id: string;
  role: Role;
}

export const can = (principal: Principal | undefined, permission: Permission) =>
  principal !== undefined && ROLE_PERMISSIONS[principal.role].includes(permission);

export const rolesWith = (permission: Permission) => ROLES.filter((role) => ROLE_PERMISSIONS[role].includes(permission));
