import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { buildApiSchemaText, SCHEMA_FILE } from '../apps/api/src/schema.js';

// npm run schema: regenerates apps/api/schema.gql from the code-first resolvers and models.
writeFileSync(SCHEMA_FILE, await buildApiSchemaText());
process.stdout.write(`Wrote ${SCHEMA_FILE}\n`);
process.exit(0);
