import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents from schema.graphql for the tests (and any TypeScript client):
 * write `graphql(\`query …\`)` and get typed results and variables.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['test/**/*.ts', '!test/gql/**'],
  ignoreNoDocuments: true,
  generates: {
    'test/gql/': {
      preset: 'client',
      config: {
        // NodeNext resolution wants explicit .js extensions on relative imports.
        importExtension: '.js',
        documentMode: 'string',
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: 'string', JSON: 'unknown', JSONObject: 'Record<string, unknown>' },
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
