import { writeFileSync } from 'node:fs';
import { printSchemaSdl } from '../src/graphql/schema.js';

// `npm run schema` rewrites schema.graphql; `-- --stdout` prints it instead.
const sdl = printSchemaSdl();
if (process.argv.includes('--stdout')) process.stdout.write(sdl);
else {
  writeFileSync(new URL('../schema.graphql', import.meta.url), sdl);
  process.stdout.write('schema.graphql written\n');
}
