/**
 * What one market argument names: a file (whole, even with a comma in its name), a comma-separated list, a directory (its data
 * files) or a glob (`'spot/2024-08-*.csv.gz'`, expanded here: the shell leaves a quoted one
 * alone and Node 20 has no fs.glob). See docs/time.md.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OpenError } from '../errors.js';
import { counted } from '../core/human-text.js';
import { parseIsoMicros } from './time.js';
import { FOREIGN_PACKING } from './extensions.js';

/** Names a directory contributes: tick dumps as the readers accept them. */
const DATA_FILE = /\.(csv|tsv|txt)(\.gz)?$|\.gz$|\.zip$/i;

export type InputRole = 'quotes' | 'trades' | 'any';

/**
 * The files one argument names, in argument order (sorting by first timestamp is the
 * multi-file source's job). `-` stays `-`. A directory gives its data files (`.csv`, `.tsv`,
 * `.txt`, `.gz`, `.zip`, hidden files left out); for quotes, names containing "trade" are left
 * out so a day folder holding both can be named as the quote input.
 * @throws OpenError when a glob or a directory names no file.
 */
export function expandInputArg(arg: string, role: InputRole = 'any'): string[] {
  if (arg === '-') return ['-'];
  const out: string[] = [];
  for (const part of listedParts(arg)) {
    // A name that exists whole is that file, even with glob characters: '[x].csv' as a pattern
    // would find x.csv instead, or nothing.
    if (hasGlob(part) && !isFile(part) && !isDirectory(part)) {
      const found = expandGlob(part).filter((f) => isFile(f));
      if (found.length === 0) throw new OpenError(part, 'no file matches this pattern');
      out.push(...found);
    } else if (isDirectory(part)) {
      const found = readdirSync(part)
        .filter((n) => !n.startsWith('.') && DATA_FILE.test(n) && !(role === 'quotes' && /trade/i.test(n)))
        .sort()
        .map((n) => join(part, n))
        .filter((f) => isFile(f));
      if (found.length === 0) throw new OpenError(part, `the directory holds no data file (.csv, .tsv, .txt, .gz, .zip)${packedFilesNote(part)}`);
      out.push(...found);
    } else {
      out.push(part);
    }
  }
  if (out.length === 0) throw new OpenError(arg, 'names no file');
  return out;
}

/**
 * The state files an argument of merge names: a directory's `*.state` files (in name order), the
 * files a quoted glob matches, or the file itself. A plan of many jobs has more states than a
 * shell passes on one command line (`states/*.state` expanded by the shell), so merge takes the
 * folder or the pattern as the readers do.
 * @throws OpenError for a directory without a state file or a pattern matching no file.
 */
export function expandStateArg(arg: string): string[] {
  if (isDirectory(arg)) {
    const found = readdirSync(arg).filter((n) => n.endsWith('.state') && !n.startsWith('.')).sort().map((n) => join(arg, n)).filter(isFile);
    if (found.length === 0) throw new OpenError(arg, 'the directory holds no state file (*.state)');
    return found;
  }
  if (hasGlob(arg) && !isFile(arg)) {
    const found = expandGlob(arg).filter(isFile);
    if (found.length === 0) throw new OpenError(arg, 'no file matches this pattern');
    return found;
  }
  return [arg];
}

/**
 * The comma-separated parts of an argument, or the argument itself when it names an existing
 * file or directory whole, or is a glob that matches files whole: `spot,2024.csv` is one file if
 * it exists, rather than `spot` and `2024.csv`, which would fail or read the wrong files.
 */
function listedParts(arg: string): string[] {
  if (arg.includes(',') && (isFile(arg) || isDirectory(arg) || (hasGlob(arg) && expandGlob(arg).some(isFile)))) return [arg];
  return arg.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** The command that decompresses each format leadlag does not read, by file extension. */
const PACKED_TOOLS: Readonly<Record<string, string>> = { zst: 'zstd -d', zstd: 'zstd -d', xz: 'xz -d', bz2: 'bzip2 -d', lz4: 'lz4 -d', '7z': '7z x' };

/** Files of a directory compressed in a format leadlag does not read, said where it found no data file, with the tools for the formats there. */
function packedFilesNote(dir: string): string {
  const ext = (n: string) => FOREIGN_PACKING.exec(n)?.[1]?.toLowerCase();
  const packed = readdirSync(dir)
    .filter((n) => !n.startsWith('.') && ext(n) !== undefined && isFile(join(dir, n)))
    .sort();
  if (packed.length === 0) return '';
  const tools = [...new Set(packed.map((n) => PACKED_TOOLS[ext(n)!]!))].sort().join(', ');
  return `; it holds ${counted(packed.length, 'file')} compressed in a format leadlag does not read (${packed.slice(0, 2).join(', ')}${packed.length > 2 ? ', …' : ''}): decompress ${packed.length === 1 ? 'it' : 'them'} first (${tools})`;
}

export function hasGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

/**
 * Paths matching `pattern`, sorted: `*` any run of characters but `/`, `?` one such character,
 * `[abc]` / `[a-z]` / `[!a]` a class; each segment is matched against its directory's entries,
 * so `data/*\/spot-*.csv` walks only what it must.
 */
export function expandGlob(pattern: string): string[] {
  const absolute = pattern.startsWith('/');
  const segments = pattern.split('/').filter((s) => s !== '');
  let paths = [absolute ? '/' : '.'];
  for (const seg of segments) {
    const next: string[] = [];
    for (const dir of paths) {
      // A segment that names an entry whole is that entry, as a whole argument is (expandInputArg):
      // 'day[1]/*.csv' reads day[1], not day1.
      if (!hasGlob(seg) || existsSync(join(dir, seg))) {
        next.push(join(dir, seg));
        continue;
      }
      const re = globSegment(seg);
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      for (const n of names.sort()) if (re.test(n) && (seg.startsWith('.') || !n.startsWith('.'))) next.push(join(dir, n));
    }
    paths = next;
  }
  return paths.map((p) => (absolute ? p : p.replace(/^\.\//, ''))).sort();
}

/** One path segment's pattern as an anchored regular expression. */
export function globSegment(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const ch = seg[i]!;
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const close = seg.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        let body = seg.slice(i + 1, close);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else re += ch.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Whether `p` is a regular file (following links); false when it cannot be stat'ed. */
export function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

const NAME_DATE = /(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)/g;

/**
 * The UTC day a daily file holds, from a date `YYYY-MM-DD` in its name (as Tardis and Binance
 * name their daily dumps), as [start, end) in µs; undefined when the name carries no date or
 * more than one distinct date. Used only to leave files outside --start/--end unopened.
 */
export function dayFromName(path: string): { start: number; end: number } | undefined {
  const base = path.split('/').pop() ?? path;
  const dates = new Set<string>();
  for (const m of base.matchAll(NAME_DATE)) dates.add(`${m[1]}-${m[2]}-${m[3]}`);
  if (dates.size !== 1) return undefined;
  const start = midnightOf([...dates][0]!);
  return start === undefined ? undefined : { start, end: start + 86_400e6 };
}

/** µs of a date's UTC midnight; undefined for a date that is no day (2023-02-29, which Date.parse rolls over to 1 March). */
function midnightOf(date: string): number | undefined {
  const iso = `${date}T00:00:00Z`;
  const us = parseIsoMicros(Buffer.from(iso, 'latin1'), 0, iso.length);
  return Number.isFinite(us) ? us : undefined;
}

/** The first YYYY-MM-DD in a file's base name that is no day of the calendar (2023-02-29, 2024-08-32), or undefined. */
export function impossibleNameDate(path: string): string | undefined {
  const base = path.split('/').pop() ?? path;
  for (const m of base.matchAll(NAME_DATE)) {
    const date = `${m[1]}-${m[2]}-${m[3]}`;
    if (midnightOf(date) === undefined) return date;
  }
  return undefined;
}
