import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';

/**
 * Limits for every operation, over HTTP and websockets alike (both go through the same
 * envelop): depth, cost, aliases, tokens and directives (GraphQL Armor), and introspection off
 * when configured. Field suggestions ("Did you mean …?") only ever reach authenticated clients:
 * the guard refuses the others before validation.
 */
export function graphqlProtections(config: Config): Plugin[] {
  const g = config.graphql;
  const plugins: Plugin[] = [
    EnvelopArmorPlugin({
      maxDepth: { n: g.maxDepth, ignoreIntrospection: true },
      maxAliases: { n: g.maxAliases },
      maxTokens: { n: g.maxTokens },
      costLimit: { maxCost: g.maxCost, ignoreIntrospection: true },
      maxDirectives: { n: g.maxDirectives },
      blockFieldSuggestion: { enabled: false },
    }) as Plugin,
  ];
  if (!g.introspection) {
    plugins.push({ onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule) });
  }
  return plugins;
}
