/** `npm run flow:schema`: writes dialog-engine/flow.schema.json (the published JSON Schema of flows). */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { flowJsonSchema } from '../schema.ts';

export const SCHEMA_FILE = fileURLToPath(new URL('../flow.schema.json', import.meta.url));
await writeFile(SCHEMA_FILE, `${JSON.stringify(flowJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
