/**
 * A word for a POSIX shell, for the command lines leadlag prints (plan's jobs, a message's
 * suggested command): as is when safe, else single-quoted, so the shell reads it unchanged.
 */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=,@+%-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}
