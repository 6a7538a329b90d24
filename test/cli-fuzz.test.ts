/**
 * Property test: no input can crash leadlag. Random bytes and random mutations of valid files
 * go through every command in-process (the same `run` the binary calls). Invalid input must
 * give a non-zero data exit naming the file (and a line where the message locates one), never
 * an internal error or a stack trace; transformations that keep a file valid (columns
 * permuted, CRLF, BOM, quoted fields, an extra column) must give exactly the original answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { run } from '../src/cli/main.js';
import { FIXTURES, tempFiles } from './cli-helpers.js';
import { mulberry32 as rng } from './prng.js';


class Sink extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

async function leadlagInProcess(args: string[]) {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await run(['node', 'leadlag', ...args], { stdout, stderr, env: { NO_COLOR: '1' } });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** The first `n` data lines of a fixture (enough ticks for jumps at a low threshold). */
function head(path: string, n: number): string {
  return readFileSync(path, 'utf8').split('\n').slice(0, n + 1).join('\n') + '\n';
}

const SPOT = head(join(FIXTURES, 'tardis', 'spot_quotes.csv'), 400);
const PERP = head(join(FIXTURES, 'tardis', 'perp_quotes.csv'), 500);
const TRADES = head(join(FIXTURES, 'tardis', 'spot_trades.csv'), 120);
const dir = tempFiles({ 'spot.csv': SPOT, 'perp.csv': PERP, 'trades.csv': TRADES });
const P = (n: string) => join(dir, n);

/** Every command, reading `spot` (the file under test) as its first market. */
function commands(spot: string, trades = P('trades.csv')): string[][] {
  return [
    ['pair', spot, P('perp.csv'), '--threshold', '1bp', '--format', 'json'],
    ['xcorr', spot, P('perp.csv'), '--lags', '-2..2', '--format', 'json'],
    ['classify', spot, P('perp.csv'), '--trades', trades, '--threshold', '1bp', '--trees', '3', '--format', 'json'],
  ];
}

function assertClean(r: { code: number; stdout: string; stderr: string }, file: string, what: string) {
  assert.ok(![70, 1].includes(r.code), `${what}: exit ${r.code}: ${r.stderr}`);
  assert.ok(!/\n\s+at /.test(r.stderr) && !r.stderr.includes('internal error'), `${what}: ${r.stderr}`);
  if (r.code !== 0) {
    assert.equal(r.stdout, '', `${what}: nothing on stdout on failure`);
    assert.ok(r.stderr.includes(file) || r.code === 65, `${what}: names the file: ${r.stderr}`);
  }
}

// ---- mutations that break a file -----------------------------------------------------------

type Mutation = (lines: string[], rand: () => number) => string[];
const pick = (n: number, rand: () => number) => 1 + Math.floor(rand() * (n - 1));
const MUTATIONS: Record<string, Mutation> = {
  'cut line': (l, r) => {
    const i = pick(l.length, r);
    l[i] = l[i]!.slice(0, Math.floor(r() * l[i]!.length));
    return l;
  },
  'swap two columns of one row': (l, r) => {
    const i = pick(l.length, r);
    const f = l[i]!.split(',');
    const a = Math.floor(r() * f.length);
    const b = Math.floor(r() * f.length);
    [f[a], f[b]] = [f[b]!, f[a]!];
    l[i] = f.join(',');
    return l;
  },
  'stray quote': (l, r) => {
    const i = pick(l.length, r);
    const at = Math.floor(r() * l[i]!.length);
    l[i] = l[i]!.slice(0, at) + '"' + l[i]!.slice(at);
    return l;
  },
  'huge field': (l, r) => {
    const i = pick(l.length, r);
    l[i] = l[i]!.replace(/,([^,]*)/, `,${'9'.repeat(5000 + Math.floor(r() * 100000))}`);
    return l;
  },
  'random time': (l, r) => {
    const i = pick(l.length, r);
    const f = l[i]!.split(',');
    f[2] = String(Math.floor(r() * 2 ** 53));
    l[i] = f.join(',');
    return l;
  },
  'garbage line': (l, r) => {
    l.splice(pick(l.length, r), 0, Array.from({ length: 1 + Math.floor(r() * 40) }, () => String.fromCharCode(32 + Math.floor(r() * 95))).join(''));
    return l;
  },
  'delete header field': (l) => {
    l[0] = l[0]!.split(',').slice(1).join(',');
    return l;
  },
};

test('fuzz: random mutations of valid files never crash any command', async () => {
  const rand = rng(20241121);
  let failures = 0;
  for (let round = 0; round < 6; round++) {
    for (const [name, mutate] of Object.entries(MUTATIONS)) {
      const lines = mutate(SPOT.trimEnd().split('\n'), rand);
      const file = P(`mutant-${round}-${name.replaceAll(' ', '-')}.csv`);
      writeFileSync(file, lines.join('\n') + '\n');
      for (const args of commands(file)) {
        const r = await leadlagInProcess(args);
        assertClean(r, file, `${name} (round ${round}) ${args[0]}`);
        if (r.code !== 0) failures++;
      }
    }
  }
  assert.ok(failures > 0, 'the mutations did produce invalid files');
});

test('fuzz: random bytes as quotes or trades give a clean data error', async () => {
  const rand = rng(7);
  for (let i = 0; i < 12; i++) {
    const bytes = Buffer.from(Array.from({ length: Math.floor(rand() * 3000) }, () => Math.floor(rand() * 256)));
    const file = P(`random-${i}.csv`);
    writeFileSync(file, bytes);
    for (const args of [...commands(file), ...commands(P('spot.csv'), file).slice(2)]) {
      const r = await leadlagInProcess(args);
      assertClean(r, file, `random bytes ${i} ${args[0]}`);
      assert.notEqual(r.code, 0, `random bytes ${i} ${args[0]} should be rejected`);
    }
  }
});

// ---- transformations that keep a file valid -------------------------------------------------

function permuteColumns(text: string, order: number[]): string {
  return text.trimEnd().split('\n').map((l) => {
    const f = l.split(',');
    return order.map((i) => f[i]).join(',');
  }).join('\n') + '\n';
}

const VALID: Record<string, (text: string) => string> = {
  'columns permuted': (t) => permuteColumns(t, [5, 2, 7, 0, 3, 6, 1, 4]),
  CRLF: (t) => t.replaceAll('\n', '\r\n'),
  BOM: (t) => `\ufeff${t}`,
  'quoted fields': (t) => t.trimEnd().split('\n').map((l) => l.split(',').map((f) => `"${f}"`).join(',')).join('\n') + '\n',
  'extra column': (t) => t.trimEnd().split('\n').map((l, i) => `${l},${i === 0 ? 'note' : 'x'}`).join('\n') + '\n',
  'no trailing newline': (t) => t.trimEnd(),
};

test('fuzz: valid transformations of a file give exactly the original answer', async () => {
  const original = await Promise.all(commands(P('spot.csv')).map((a) => leadlagInProcess(a)));
  for (const r of original) assert.equal(r.code, 0, r.stderr);
  for (const [name, transform] of Object.entries(VALID)) {
    const file = P(`valid-${name.replaceAll(' ', '-')}.csv`);
    writeFileSync(file, transform(SPOT));
    const got = await Promise.all(commands(file).map((a) => leadlagInProcess(a)));
    got.forEach((r, i) => {
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      assert.equal(r.stdout, original[i]!.stdout, `${name}: ${commands(file)[i]![0]}`);
    });
  }
});
