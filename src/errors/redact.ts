/**
 * Text that came from a server (an OAuth `error_description`, a proxy's error
 * page) may echo what we sent it. Before such text goes into an error message
 * or a log line, every known secret in it is replaced.
 *
 * @internal
 */
export const REDACTED = '[redacted]';

/** Replaces each non-empty secret in `text` with `[redacted]`, and any Bearer credential too. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4 && out.includes(s)) out = out.split(s).join(REDACTED);
  }
  // A Bearer credential or a JWT-shaped string is never safe to print, whoever's it is.
  return out
    .replace(/(bearer\s+)[^\s",;]+/gi, `$1${REDACTED}`)
    .replace(/\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, REDACTED)
    .replace(/(client_secret=)[^&\s"]+/gi, `$1${REDACTED}`);
}
