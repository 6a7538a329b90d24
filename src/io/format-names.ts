/**
 * The output formats every command accepts. Kept apart from output.ts (which loads the CSV
 * writer, the table renderer and chalk) so that parsing options and printing help stay light.
 */
export type Format = 'table' | 'csv' | 'tsv' | 'json';
export const FORMATS: readonly Format[] = ['table', 'csv', 'tsv', 'json'];
