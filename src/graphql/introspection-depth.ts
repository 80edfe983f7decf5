import { GraphQLError, Kind, type ASTVisitor, type SelectionSetNode, type ValidationContext } from 'graphql';

interface Shape {
  depth: number;
  introspects: boolean;
}

const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

/**
 * GraphQL Armor's depth and cost limits skip introspection, so tools like GraphiQL (whose
 * standard introspection query nests 15 fields deep) keep working under a depth limit of 12.
 * Unbounded, though, `__schema { types { fields { type { ofType { ofType … } } } } }` could nest
 * as deep as the token limit allows. This rule gives operations that reach into introspection
 * (directly or through fragments) their own, more generous depth limit.
 */
export function introspectionDepthRule(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    // Each fragment is measured once, so fragments spread many times cost nothing extra; one
    // being measured counts as empty if it is met again (a cycle, which validation reports).
    const fragments = new Map<string, Shape>();
    const measure = (set: SelectionSetNode | undefined): Shape => {
      const shape: Shape = { depth: 0, introspects: false };
      for (const selection of set?.selections ?? []) {
        let inner: Shape;
        if (selection.kind === Kind.FIELD) {
          const below = measure(selection.selectionSet);
          inner = { depth: below.depth + 1, introspects: below.introspects || INTROSPECTION_ROOTS.has(selection.name.value) };
        } else if (selection.kind === Kind.INLINE_FRAGMENT) inner = measure(selection.selectionSet);
        else inner = fragment(selection.name.value);
        shape.depth = Math.max(shape.depth, inner.depth);
        shape.introspects ||= inner.introspects;
      }
      return shape;
    };
    const fragment = (name: string): Shape => {
      const known = fragments.get(name);
      if (known) return known;
      fragments.set(name, { depth: 0, introspects: false });
      const shape = measure(context.getFragment(name)?.selectionSet);
      fragments.set(name, shape);
      return shape;
    };
    return {
      OperationDefinition(operation) {
        const { depth, introspects } = measure(operation.selectionSet);
        if (introspects && depth > maxDepth) {
          context.reportError(
            new GraphQLError(`Introspection query depth limit of ${maxDepth} exceeded (depth ${depth})`, {
              nodes: [operation],
              extensions: { code: 'QUERY_LIMIT_EXCEEDED' },
            }),
          );
        }
        return false;
      },
    };
  };
}
