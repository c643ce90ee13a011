/** Regenerates plan.schema.json from the zod schema: `npx tsx engine/src/plan/write-schema.ts`. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { planJsonSchema } from './schema.js';

const target = fileURLToPath(new URL('./plan.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(planJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
