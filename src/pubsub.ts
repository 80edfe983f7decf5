import { createPubSub } from 'graphql-yoga';
import type { Improvement } from './domain/improvement.js';

export const ImprovementEventKind = {
  created: 'created',
  updated: 'updated',
  approved: 'approved',
  rejected: 'rejected',
} as const;
export type ImprovementEventKind = (typeof ImprovementEventKind)[keyof typeof ImprovementEventKind];

export interface ImprovementChange {
  kind: ImprovementEventKind;
  at: string;
  actor: string;
  improvement: Improvement;
}

/** Every topic and its payload, in one place. Services publish; subscription fields listen. */
export type Topics = {
  'improvement:changed': [ImprovementChange];
};

export type PubSub = ReturnType<typeof createPubSub<Topics>>;

export function createAppPubSub(): PubSub {
  return createPubSub<Topics>();
}
