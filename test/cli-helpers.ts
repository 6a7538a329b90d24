/** Running the built CLI the way a user does: a separate process, real files, real exit codes. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'leadlag');
export const FIXTURES = join(ROOT, 'fixtures');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function leadlag(args: string[], opts: { input?: string | Buffer; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', LEADLAG_DEBUG: '', ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

const madeDirs: string[] = [];

/** One 'exit' listener for all of a test file's directories (one each tripped the leak warning). */
function removeAtExit(dir: string): void {
  if (madeDirs.length === 0) process.on('exit', () => madeDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  madeDirs.push(dir);
}

/** A fresh temp directory with the given files written into it, removed when the test process exits. */
export function tempFiles(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'leadlag-test-'));
  removeAtExit(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/**
 * Runs `script` with a real `bash -c` (process substitution, FIFOs, redirections), in which
 * the shell function `leadlag` runs the built CLI. `code` is bash's exit status.
 */
export function shell(script: string, opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `leadlag() { "$LEADLAG_NODE" "$LEADLAG_BIN" "$@"; }\n${script}`], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', LEADLAG_DEBUG: '', LEADLAG_NODE: process.execPath, LEADLAG_BIN: BIN, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so a hung script is ended with all its children
    });
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, opts.timeoutMs ?? 60_000);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A one-line error as the entry point prints it: `leadlag: …`, no stack trace, no internal error. */
export function isOneLineError(stderr: string): boolean {
  return /^leadlag: [^\n]*\n$/.test(stderr) && !stderr.includes('internal error') && !/\n\s+at /.test(stderr);
}
