import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents from schema.graphql for the tests (and any TypeScript client):
 * write `graphql(\`query …\`)` and get typed results and variables.
 */
const client = (documents: string[]) => ({
  documents,
  preset: 'client' as const,
  config: {
    documentMode: 'string' as const,
    enumsAsTypes: true,
    useTypeImports: true,
    scalars: { DateTime: 'string', JSON: 'unknown', JSONObject: 'Record<string, unknown>' },
  },
  presetConfig: { fragmentMasking: false },
});

const config: CodegenConfig = {
  schema: 'schema.graphql',
  ignoreNoDocuments: true,
  generates: {
    // The dashboard is bundled by Vite, which resolves extensionless imports.
    'web/src/gql/': client(['web/src/**/*.ts', '!web/src/gql/**']),
    'test/gql/': {
      documents: ['test/**/*.ts', '!test/gql/**'],
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
