// The first of the fast suite's processes (see groups.ts).
import { importGroup } from './groups.js';

await importGroup(import.meta.url);
