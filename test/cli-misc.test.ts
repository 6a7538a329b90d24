/** The shell contract: help, version, internal errors, progress display, colour choice. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { leadlag, ROOT, tempFiles } from './cli-helpers.js';
import { leadlagInProcess } from './context-helpers.js';
import { spawnSync } from 'node:child_process';
import { run } from '../src/cli/main.js';
import { buildProgram } from '../src/cli/program.js';
import { ProgressDisplay } from '../src/io/progress.js';
import { wantColour } from '../src/io/output.js';

class Sink extends Writable {
  text = '';
  isTTY = false;
  constructor(private readonly failWith?: Error) {
    super();
  }
  override _write(chunk: Buffer, _enc: string, cb: (e?: Error) => void) {
    if (this.failWith) throw this.failWith;
    this.text += chunk.toString();
    cb();
  }
}

const COMMANDS = ['pair', 'xcorr', 'classify', 'inspect'];

test('leadlag --help lists every command with examples and the exit codes', async () => {
  const r = await leadlag(['--help']);
  assert.equal(r.code, 0);
  for (const c of COMMANDS) assert.ok(r.stdout.includes(c), c);
  assert.ok(r.stdout.includes('Examples:') && r.stdout.includes('Exit codes'));
  // Every code of the README's exit-code table (rows '| N | …') is in the help's list.
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const codes = [...readme.matchAll(/^\| (\d+) \| /gm)].map((m) => Number(m[1])).filter((c) => c < 100);
  assert.deepEqual(codes, [0, 2, 65, 66, 70, 71, 73, 74]);
  const listed = r.stdout.slice(r.stdout.indexOf('Exit codes')).replace(/\s+/g, ' ');
  for (const c of codes) assert.match(listed, new RegExp(`[ :]${c} [a-z]`), `exit code ${c}`);
});

test('help CMD and CMD --help show the options and a worked example of every command', async () => {
  // In this process: the text is commander's either way; `leadlag --help` above is the process.
  for (const c of [...COMMANDS, 'hy', 'merge', 'plan', 'report']) {
    const a = await leadlagInProcess(['help', c]);
    const b = await leadlagInProcess([c, '--help']);
    assert.equal(a.code, 0);
    assert.equal(b.code, 0);
    assert.equal(a.stdout, b.stdout);
    assert.ok(/\bExamples?:/.test(a.stdout) && a.stdout.includes(`$ leadlag ${c}`), c);
    // plan prints a scheduler's input, not tables: it has no --format (cli-plan.test.ts).
    if (c !== 'plan') assert.ok(a.stdout.includes('--format'), c);
  }
});

test('help CMD succeeds and a bare leadlag is a usage error whatever process.exitCode holds (commander reads it for help)', async () => {
  // A test runner sets process.exitCode = 1 after a failing test; run() embedded there must not
  // turn `help pair` into a usage error.
  const saved = process.exitCode;
  try {
    for (const held of [undefined, 0, 1]) {
      process.exitCode = held;
      assert.equal((await leadlagInProcess(['help', 'pair'])).code, 0, `help pair, process.exitCode ${held}`);
      assert.equal((await leadlagInProcess(['help'])).code, 0, `help, process.exitCode ${held}`);
      assert.equal((await leadlagInProcess([])).code, 2, `no command, process.exitCode ${held}`);
    }
  } finally {
    process.exitCode = saved;
  }
});

test('leadlag --version prints the package version', async () => {
  const r = await leadlag(['--version']);
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), version);
});

test('--version and -V alone are answered before commander loads, with the text commander gives; yauzl and fast-csv load only when used', async () => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  // `--version --quiet` is not the fast path: commander itself prints the version for it.
  for (const args of [['--version'], ['-V'], ['--version', '--quiet']]) {
    const stdout = new Sink();
    const stderr = new Sink();
    assert.equal(await run(['node', 'leadlag', ...args], { stdout, stderr, env: {} }), 0, args.join(' '));
    assert.equal(stdout.text, `${version}\n`, args.join(' '));
    assert.equal(stderr.text, '', args.join(' '));
  }
  // In a fresh process: commander is CommonJS, so once loaded it is in require's cache.
  const script = `
    import { createRequire } from 'node:module';
    const { run } = await import(${JSON.stringify(join(ROOT, 'dist/src/cli/main.js'))});
    const { Writable } = await import('node:stream');
    const sink = () => new Writable({ write(_c, _e, cb) { cb(); } });
    const io = { stdout: sink(), stderr: sink(), env: {} };
    const loaded = (name) => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('node_modules/' + name + '/'));
    await run(['node', 'leadlag', '--version'], io);
    const afterVersion = loaded('commander');
    await run(['node', 'leadlag', 'pair', '--help'], io);
    const afterHelp = loaded('commander');
    // A whole run on plain files with JSON output: no archive opened, no CSV written.
    const code = await run(['node', 'leadlag', 'pair', ${JSON.stringify(join(ROOT, 'fixtures/tardis/spot_quotes.csv'))}, ${JSON.stringify(join(ROOT, 'fixtures/tardis/perp_quotes.csv'))}, '--format', 'json', '-q'], io);
    console.log(JSON.stringify([afterVersion, afterHelp, code, loaded('yauzl'), loaded('fast-csv')]));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  // yauzl (zip archives) and fast-csv (csv/tsv output) load only when used, not with a command.
  assert.deepEqual(JSON.parse(r.stdout), [false, true, 0, false, false]);
});

test('csv-parse loads when a file first has a quoted line, not with the parser', () => {
  // In a fresh process. The parser takes csv-parse's one-line parse through require (its
  // CommonJS build), so require's cache tells whether it was loaded.
  const dir = tempFiles({
    'plain.csv': 'time,bid,ask\n1723161254000000,1,2\n1723161254000001,1,3\n',
    'quoted.csv': 'time,bid,ask\n1723161254000000,"1",2\n1723161254000001,1,3\n',
  });
  const script = `
    import { createRequire } from 'node:module';
    const { readBatches } = await import(${JSON.stringify(join(ROOT, 'dist/src/io/reader.js'))});
    const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('node_modules/csv-parse/'));
    const read = async (f) => { let n = 0; for await (const b of readBatches(f, 'quotes', { clock: 'exchange', sort: false, skipBadRows: false })) n += b.length; return n; };
    const seen = [loaded()];
    seen.push(await read(${JSON.stringify(join(dir, 'plain.csv'))}), loaded());
    seen.push(await read(${JSON.stringify(join(dir, 'quoted.csv'))}), loaded());
    console.log(JSON.stringify(seen));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  // Two rows each; csv-parse only after the file with "1".
  assert.deepEqual(JSON.parse(r.stdout), [false, 2, false, 2, true]);
});

test('buildProgram(io, args) defines the one command the line names, else all of them in help order', async () => {
  const io = { stdout: new Sink(), stderr: new Sink(), env: {} };
  const names = async (args: string[]) => (await buildProgram(io, args)).commands.map((c) => c.name());
  const all = ['pair', 'xcorr', 'classify', 'inspect', 'hy', 'merge', 'plan', 'report'];
  assert.deepEqual(await names([]), all);
  assert.deepEqual(await names(['--help']), all);
  assert.deepEqual(await names(['help']), all);
  assert.deepEqual(await names(['help', 'nope']), all);
  assert.deepEqual(await names(['pari']), all);
  assert.deepEqual(await names(['--quiet', 'pair']), all);
  assert.deepEqual(await names(['pair', '--help']), ['pair']);
  assert.deepEqual(await names(['help', 'report']), ['report']);
  assert.deepEqual(await names(['hy', 'a.csv', 'b.csv']), ['hy']);
});

test('an unexpected exception is one line, exit 70; the stack only with LEADLAG_DEBUG=1', async () => {
  // A stdout that throws a plain Error stands in for any bug: it is not one of our error types.
  const args = ['node', 'leadlag', 'xcorr', join(ROOT, 'fixtures/tardis/spot_quotes.csv'), join(ROOT, 'fixtures/tardis/perp_quotes.csv'), '--block', '1s'];
  const stderr = new Sink();
  const code = await run(args, { stdout: new Sink(new Error('disk on fire')), stderr, env: {} });
  assert.equal(code, 70);
  assert.equal(stderr.text, 'leadlag: internal error: disk on fire, please report\n');
  const debug = new Sink();
  assert.equal(await run(args, { stdout: new Sink(new Error('disk on fire')), stderr: debug, env: { LEADLAG_DEBUG: '1' } }), 70);
  assert.match(debug.text, /internal error: disk on fire[\s\S]*\n\s+at /);
});

test('progress: nothing when stderr is not a terminal, nothing in the first second, at most 4 redraws a second', () => {
  let now = 0;
  const writes: string[] = [];
  const sink = { isTTY: true, write: (s: string) => (writes.push(s), true) };
  const p = new ProgressDisplay(sink, true, () => now);
  const update = (rows: number, bytes: number) => p.update({ file: 'a.csv', bytesRead: bytes, bytesTotal: 4e6, rows });
  update(10, 1e5);
  now = 900;
  update(20, 2e5);
  assert.equal(writes.length, 0, 'quiet during the first second');
  now = 1000;
  update(1e6, 1e6); // 1 MB in 1 s: 1.0 MB/s, 3 MB left → 3 s
  now = 1100;
  update(1.1e6, 1.1e6); // within 250 ms of the last draw: skipped
  assert.equal(writes.length, 1);
  assert.match(writes[0]!, /read 1\.0 MB of 4\.0 MB, 1\.00 M rows, 1\.0 MB\/s, 3 s left/);
  // The read is complete and the run computes: said in place of the read line, then erased.
  p.stage('computing');
  assert.equal(writes.at(-1), '\r\x1b[2Kleadlag: computing…');
  p.done();
  assert.equal(writes.at(-1), '\r\x1b[2K', 'erased at the end');
  // A run whose read took under a second shows no stage either (nothing was drawn).
  const quick: string[] = [];
  now = 0;
  const r = new ProgressDisplay({ isTTY: true, write: (x: string) => (quick.push(x), true) }, true, () => now);
  now = 500;
  r.stage('computing');
  assert.deepEqual(quick, []);
  const off: string[] = [];
  const q = new ProgressDisplay({ isTTY: false, write: (s: string) => (off.push(s), true) }, false, () => 5000);
  q.update({ file: 'a.csv', bytesRead: 1, bytesTotal: 2, rows: 1 });
  q.stage('computing');
  q.done();
  assert.deepEqual(off, []);
});

test('progress: a read\'s late update does not draw over "computing"; a second read (report --trades: classify\'s) starts its bytes and rate afresh', () => {
  const writes: string[] = [];
  let now = 0;
  const p = new ProgressDisplay({ isTTY: true, write: (s: string) => (writes.push(s), true) }, true, () => now);
  now = 2000;
  p.update({ file: 'a.csv', bytesRead: 4e6, bytesTotal: 4e6, rows: 1e6 });
  p.stage('computing');
  now = 2500;
  p.update({ file: 'a.csv', bytesRead: 4e6, bytesTotal: 4e6, rows: 1e6 });
  assert.equal(writes.at(-1), '\r\x1b[2Kleadlag: computing…', 'the late update drew nothing');
  // The second read begins at 3 s and has read 1 MB of the same file 1 s later: 1.0 MB/s, 3 s
  // left (counted from 0 s it would say 0.25 MB/s and 12 s left).
  now = 3000;
  p.readBegins();
  now = 4000;
  p.update({ file: 'a.csv', bytesRead: 1e6, bytesTotal: 4e6, rows: 2.5e5 });
  assert.match(writes.at(-1)!, /read 1\.0 MB of 4\.0 MB, 0\.25 M rows, 1\.0 MB\/s, 3 s left$/);
});

test('colour: terminal decides, NO_COLOR and --no-color turn it off, FORCE_COLOR and --color on', () => {
  assert.equal(wantColour({ flag: undefined, env: {}, isTTY: true }), true);
  assert.equal(wantColour({ flag: undefined, env: {}, isTTY: false }), false);
  assert.equal(wantColour({ flag: undefined, env: { NO_COLOR: '1' }, isTTY: true }), false);
  assert.equal(wantColour({ flag: undefined, env: { FORCE_COLOR: '1' }, isTTY: false }), true);
  assert.equal(wantColour({ flag: false, env: { FORCE_COLOR: '1' }, isTTY: true }), false);
  assert.equal(wantColour({ flag: true, env: { NO_COLOR: '1' }, isTTY: false }), true);
  assert.equal(wantColour({ flag: undefined, env: { TERM: 'dumb' }, isTTY: true }), false);
});

test('unknown command and no command are usage errors', async () => {
  const r = await leadlag(['frobnicate']);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  const none = await leadlag([]);
  assert.equal(none.code, 2);
  assert.equal(none.stdout, '');
  assert.ok(none.stderr.includes('Usage: leadlag'), 'the help goes to stderr');
});

test('npm run demo prints Tables 1 to 4 on the fixtures', async () => {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/scripts/demo.js')], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(r.status, 0, r.stderr);
  for (const t of ['Table 1', 'Table 2', 'Table 3', 'Table 4', 'correlogram']) assert.ok(r.stdout.includes(t), t);
  assert.ok(!/wasm|internal error/i.test(r.stdout + r.stderr));
  // The demo's two half-range states merge into exactly the first pair run's output.
  const blocks = r.stdout.split(/^\$ leadlag /m);
  const pairAll = blocks.find((b) => b.startsWith('pair fixtures/tardis/spot_quotes.csv fixtures/tardis/perp_quotes.csv\n'))!;
  const merged = blocks.find((b) => b.startsWith('merge '))!;
  assert.ok(pairAll.includes('Table 1'), 'the demo runs pair over all the data');
  assert.equal(merged.slice(merged.indexOf('\n')), pairAll.slice(pairAll.indexOf('\n')));
});

test('too many arguments (a glob the shell expanded) says how a market of several files is given', async () => {
  const files = ['spot_quotes.csv', 'perp_quotes.csv', 'spot_trades.csv'].map((f) => join(ROOT, 'fixtures', 'tardis', f));
  const r = await leadlagInProcess(['pair', ...files]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^leadlag: too many arguments for 'pair'\. Expected 2 arguments but got 3\. If the shell expanded a glob into its files, quote it \('spot\/\*\.csv\.gz'\), or give a directory or a comma list: each market is one argument\.\n\(run 'leadlag help pair' for usage\)\n$/);
});

test('a list that begins with standard input (-,b.csv) is said to be one, not an unknown option', async () => {
  // The parser takes "-,…" for an option; `b.csv,-` already met the rule in expandMarketArgs.
  const spot = join(ROOT, 'fixtures', 'tardis', 'spot_quotes.csv');
  const perp = join(ROOT, 'fixtures', 'tardis', 'perp_quotes.csv');
  for (const list of [`-,${spot}`, `${spot},-`]) {
    const r = await leadlagInProcess(['pair', list, perp]);
    assert.equal(r.code, 2, list);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^leadlag: (-,.*spot_quotes\.csv: )?- \(standard input\) cannot be one of several files of a market\n/, list);
  }
  // Other unknown options keep commander's message.
  assert.match((await leadlagInProcess(['pair', '-x', spot, perp])).stderr, /^leadlag: unknown option '-x'/);
});

test('bad inputs of this round, end to end: a compact date, a name holding "leads", a header-only day among a market\'s files', async () => {
  const spot = join(ROOT, 'fixtures', 'tardis', 'spot_quotes.csv');
  const perp = join(ROOT, 'fixtures', 'tardis', 'perp_quotes.csv');
  // 20240808 read as µs is 20 s after the epoch: refused (exit 2) with both readings, no output.
  const date = await leadlagInProcess(['pair', spot, perp, '--start', '20240808']);
  assert.equal(date.code, 2);
  assert.equal(date.stdout, '');
  assert.match(date.stderr, /^leadlag: --start 20240808 is read as epoch microseconds, 1970-01-01T00:00:20\.240808Z; as a date it would be 2024-08-08T00:00:00\.000000Z: write 2024-08-08/);
  const names = await leadlagInProcess(['pair', spot, perp, '--names', 'x,x_leads_x']);
  assert.equal(names.code, 2);
  assert.match(names.stderr, /^leadlag: --names: "x_leads_x" holds 'leads'/);
  // A header-only file in the spot list: the run is the run without it, with the warning (exit 0).
  const header = `${readFileSync(spot, 'utf8').split('\n')[0]!}\n`;
  const dir = tempFiles({ 'empty.csv': header });
  const withEmpty = await leadlagInProcess(['pair', `${spot},${join(dir, 'empty.csv')}`, perp, '--format', 'json']);
  const without = await leadlagInProcess(['pair', spot, perp, '--format', 'json']);
  assert.equal(withEmpty.code, 0, withEmpty.stderr);
  assert.equal(withEmpty.stdout, without.stdout);
  assert.match(withEmpty.stderr, /empty\.csv has a header but no data rows: left out/);
});

test('bad inputs of the next round, end to end: a stray first symbol under --skip-bad-rows, a data time to the minute, an output named as a folder', async () => {
  const spot = join(ROOT, 'fixtures', 'tardis', 'spot_quotes.csv');
  const perp = join(ROOT, 'fixtures', 'tardis', 'perp_quotes.csv');
  const [header, first, ...rest] = readFileSync(spot, 'utf8').trimEnd().split('\n');
  const dir = tempFiles({
    // The first data row names ETHUSDT, every other BTCUSDT: 1 kept against 1 632 skipped.
    'stray.csv': [header, first!.replace('BTCUSDT', 'ETHUSDT'), ...rest].join('\n') + '\n',
    'minutes.csv': 'time,bid,ask\n2024-08-08 12:00,100,101\n2024-08-08 12:01,100,102\n',
  });
  const stray = await leadlagInProcess(['pair', join(dir, 'stray.csv'), perp, '--skip-bad-rows']);
  assert.equal(stray.code, 65);
  assert.equal(stray.stdout, '');
  assert.match(stray.stderr, /stray\.csv: --skip-bad-rows kept 1 row of the first row's symbol "ETHUSDT" and skipped 1632 rows of another symbol \(from line 3\)/);
  const minutes = await leadlagInProcess(['pair', join(dir, 'minutes.csv'), perp]);
  assert.equal(minutes.code, 65);
  assert.equal(minutes.stdout, '');
  assert.match(minutes.stderr, /minutes\.csv:2: unparsable time in column time \(a time without seconds: --time-format '%Y-%m-%d %H:%M' reads it/);
  const folder = await leadlagInProcess(['report', spot, perp, '--html', join(dir, 'pages/')]);
  assert.equal(folder.code, 2);
  assert.equal(folder.stdout, '');
  assert.match(folder.stderr, /^leadlag: --html .*pages\/ names a folder \(it ends in \/\); give a file's name, e\.g\. .*pages\/report\.html/);
});
