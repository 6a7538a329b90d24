/** leadlag's version, from package.json: printed by --version and written into every state file. */
import { readFileSync } from 'node:fs';

export const LEADLAG_VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
