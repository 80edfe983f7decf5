import { useGraphQlJit } from '@envelop/graphql-jit';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { getVariableValues, GraphQLError, Kind, NoSchemaIntrospectionCustomRule, type ExecutionArgs, type OperationDefinitionNode, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import { introspectionDepthRule } from './introspection-depth.js';
import { useSharedSubscriptionExecution } from './shared-subscriptions.js';

/** The standard introspection query (GraphiQL's) nests 15 fields deep; a little room above that. */
export const INTROSPECTION_MAX_DEPTH = 20;

const asValidationError = {
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code: 'QUERY_LIMIT_EXCEEDED' } })),
  ],
};

/**
 * Limits for every operation, over HTTP and websockets alike (both go through the same
 * envelop): depth, cost, aliases, tokens and directives (GraphQL Armor), and introspection off
 * when configured. Field suggestions ("Did you mean …?") only ever reach authenticated clients:
 * the guard refuses the others before validation.
 */
export function graphqlProtections(config: Config): Plugin[] {
  const g = config.graphql;
  const plugins: Plugin[] = [
    // Limits found during validation are reported as validation errors (400, with a code) instead
    // of being thrown; the token limit works while parsing and fails as a syntax error.
    EnvelopArmorPlugin({
      maxDepth: { n: g.maxDepth, ignoreIntrospection: true, ...asValidationError },
      maxAliases: { n: g.maxAliases, ...asValidationError },
      maxTokens: { n: g.maxTokens },
      costLimit: { maxCost: g.maxCost, ignoreIntrospection: true, ...asValidationError },
      maxDirectives: { n: g.maxDirectives, ...asValidationError },
      blockFieldSuggestion: { enabled: false },
    }) as Plugin,
  ];
  // Compiled execution for queries: large lists (a day of snapshots) resolve several times faster
  // than with graphql-js. Mutations and subscriptions keep graphql-js.
  plugins.push(useGraphQlJit({}, { enableIf: isQuery }) as Plugin);
  plugins.push(useSharedSubscriptionExecution());
  plugins.push({ onValidate: ({ addValidationRule }) => addValidationRule(introspectionDepthRule(INTROSPECTION_MAX_DEPTH)) });
  if (!g.introspection) {
    plugins.push({ onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule) });
  }
  return plugins;
}

/** A query whose variables are valid: graphql-js reports bad variables (400, BAD_USER_INPUT) as it should. */
function isQuery({ schema, document, operationName, variableValues }: ExecutionArgs): boolean {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  if (operation?.operation !== 'query') return false;
  if (!operation.variableDefinitions?.length) return true;
  return getVariableValues(schema, operation.variableDefinitions, variableValues ?? {}).errors === undefined;
}
