import { createSourceEventStream, execute, print, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { mapStream } from '../events/streams.js';
import type { GraphQLContext } from './context.js';

/**
 * Subscriptions that ask for the same thing (the same document, operation, variables and role)
 * share one execution per event. Published events are shared objects, so an event is executed
 * once per distinct subscription shape, however many sockets hold that shape; each subscriber
 * still reads at its own pace from its own buffer.
 */
export function useSharedSubscriptionExecution(): Plugin {
  const printed = new WeakMap<DocumentNode, string>();
  const executed = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();

  function shapeOf(args: ExecutionArgs): string {
    let text = printed.get(args.document);
    if (text === undefined) printed.set(args.document, (text = print(args.document)));
    const role = (args.contextValue as GraphQLContext | undefined)?.principal?.role ?? '';
    return `${role}\n${args.operationName ?? ''}\n${JSON.stringify(args.variableValues ?? {})}\n${text}`;
  }

  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(async (args: ExecutionArgs) => {
        const source = await createSourceEventStream(args);
        if (!isAsyncIterable(source)) return source;
        const shape = shapeOf(args);
        const run = (event: unknown) => Promise.resolve(execute({ ...args, rootValue: event }));
        return mapStream(source[Symbol.asyncIterator](), (event) => {
          if (typeof event !== 'object' || event === null) return run(event);
          let byShape = executed.get(event);
          if (!byShape) executed.set(event, (byShape = new Map()));
          let result = byShape.get(shape);
          if (!result) byShape.set(shape, (result = run(event)));
          return result;
        });
      });
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}
