/**
 * Words and a POSIX shell, both ways: `shellWords` splits a text of options the way the shell
 * splits a command line (quotes and backslashes, no expansion), `shellQuote` writes a word back
 * so that the shell reads it unchanged. `plan` uses both: it reads `--options` into words,
 * checks them, and prints them quoted in every job's command line.
 */
import { UsageError } from '../errors.js';

export { shellQuote } from '../io/shell-quote.js';

/** Characters that mean more than themselves to the shell outside quotes: commands, redirections, expansions, globs. */
const SHELL_SYNTAX = /[;&|<>()$`*?[\]{}]/;

/** At the start of an unquoted word: a comment (#) and the home directory (~, which bash also expands after = or :). */
const WORD_START_SYNTAX = /[#~]/;

/**
 * The words of `text` as a POSIX shell splits them: blanks separate words; '…' keeps everything
 * literally; "…" keeps everything but \" \\ \$ \` (their backslash dropped); a backslash outside
 * quotes keeps the next character. What the shell would expand or run — $, `, ; & | < > ( ),
 * the globs * ? [ ] { }, and # or ~ starting a word — is refused rather than taken literally, since it would not mean the same in a job's command
 * line; so is a line break (a job is one line). `option` names the option in messages.
 * @throws UsageError for an unbalanced quote, a trailing backslash or shell syntax.
 * O(text length).
 */
export function shellWords(text: string, option: string): string[] {
  if (/[\r\n]/.test(text)) throw new UsageError(`${option} must be one line (each job is one line of the plan)`);
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) throw unbalanced(option, "'", text);
      word = (word ?? '') + text.slice(i + 1, close);
      i = close;
    } else if (c === '"') {
      const [inner, close] = doubleQuoted(text, i + 1, option);
      word = (word ?? '') + inner;
      i = close;
    } else if (c === '\\') {
      if (i + 1 >= text.length) throw new UsageError(`${option} ends in a backslash that escapes nothing: ${JSON.stringify(text)}`);
      word = (word ?? '') + text[++i];
    } else if (SHELL_SYNTAX.test(c) || (WORD_START_SYNTAX.test(c) && (word === undefined || (c === '~' && /[=:]$/.test(word))))) {
      throw shellSyntax(option, c, text);
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The text of "…" opened before `from`, and the index of its closing quote. */
function doubleQuoted(text: string, from: number, option: string): [string, number] {
  let out = '';
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') return [out, i];
    if (c === '$' || c === '`') throw shellSyntax(option, c, text);
    if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) out += text[++i];
    else out += c;
  }
  throw unbalanced(option, '"', text);
}

function unbalanced(option: string, quote: string, text: string): UsageError {
  return new UsageError(`${option} has an unbalanced ${quote} (a quote opened and never closed): ${JSON.stringify(text)}`);
}

function shellSyntax(option: string, c: string, text: string): UsageError {
  return new UsageError(`${option} holds options and their values only; ${c} is shell syntax the jobs' shell would act on (put a value that holds it in '…'): ${JSON.stringify(text)}`);
}
