/** What an input is, for documentation (OpenAPI, /docs): its name, type, allowed values and meaning. */
export interface InputDoc {
  name: string;
  description: string;
  type: 'string' | 'number' | 'integer';
  enum?: readonly string[];
}

/**
 * One input, defined once and used by every edge: REST lists it (and documents it from here),
 * REST and GraphQL parse with it, and services receive what it returns. A bad value throws a
 * BAD_REQUEST AppError whose message reads the same over curl and over GraphQL.
 */
export interface Input<T, A extends unknown[] = []> extends InputDoc {
  parse(value: unknown, ...args: A): T;
}
