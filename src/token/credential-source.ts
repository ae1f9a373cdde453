/**
 * The Client Id and Secret a token request is sent with: fixed strings, or
 * functions (sync or async) called before each token request, so a secret
 * rotated in a vault is used without a restart.
 *
 * @internal
 */
import { createHash } from 'node:crypto';
import { AsposeConfigError, type ConfigIssue } from '../errors/errors.js';
import type { AsposeCredential } from '../config/options.js';
import { credentialProblem } from '../config/settings.js';

/** One credential pair, as read. @internal */
export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  /**
   * sha256 of `clientId NUL clientSecret`, hex: the key of the pair's state
   * (lockout, refusal backoff), so no long-lived map holds a plain secret.
   */
  readonly key: string;
}

/** Reads the credentials, calling the functions among them. @internal */
export class CredentialSource {
  readonly #id: AsposeCredential;
  readonly #secret: AsposeCredential;
  /** The pair when both are strings: read once, never again. */
  readonly #fixed: ClientCredentials | undefined;
  /** The last pair read, so that the same values do not cost a new hash. */
  #last: ClientCredentials | undefined;

  constructor(clientId: AsposeCredential, clientSecret: AsposeCredential) {
    this.#id = clientId;
    this.#secret = clientSecret;
    if (typeof clientId === 'string' && typeof clientSecret === 'string') this.#fixed = pair(clientId, clientSecret);
  }

  /** True when a function gives the Id or the Secret, so each read may give a new pair. */
  get dynamic(): boolean {
    return this.#fixed === undefined;
  }

  /** The pair, when both are strings. */
  get fixed(): ClientCredentials | undefined {
    return this.#fixed;
  }

  /**
   * The pair to send now. Calls the functions (both at once) and checks what
   * they return like a static value.
   *
   * @throws {AsposeConfigError} naming the option whose function threw,
   *   rejected, returned a bad value or did not settle within `timeoutMs`
   *   (a thrown error is the `cause`). Never quotes a returned value.
   */
  async read(timeoutMs: number, signal: AbortSignal): Promise<ClientCredentials> {
    if (this.#fixed) return this.#fixed;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stop = new Promise<'timeout' | 'closed'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
      onAbort = () => resolve('closed');
      signal.addEventListener('abort', onAbort, { once: true });
    });
    let outcome: PromiseSettledResult<unknown>[] | 'timeout' | 'closed';
    try {
      // allSettled: a function that settles after the timeout never becomes an unhandled rejection.
      outcome = await Promise.race([Promise.allSettled([call(this.#id), call(this.#secret)]), stop]);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort!);
    }
    if (outcome === 'closed') throw signal.reason;
    const issues: ConfigIssue[] = [];
    let cause: unknown;
    const values: string[] = [];
    (['clientId', 'clientSecret'] as const).forEach((option, i) => {
      const source = i === 0 ? this.#id : this.#secret;
      if (typeof source === 'string') return void values.push(source);
      if (outcome === 'timeout')
        return void issues.push({
          option,
          problem: `function did not settle within tokenTimeoutMs (${timeoutMs} ms): make it answer sooner, or raise tokenTimeoutMs`,
        });
      const r = outcome[i];
      if (r.status === 'rejected') {
        cause ??= r.reason;
        return void issues.push({ option, problem: 'function threw or rejected (the error is the cause of this one): fix the function or what it reads' });
      }
      const problem = valueProblem(r.value);
      if (problem) return void issues.push({ option, problem: `function ${problem}` });
      values.push(r.value as string);
    });
    if (issues.length > 0) throw new AsposeConfigError(issues, { source: 'Aspose credentials from a function', cause });
    const [id, secret] = values as [string, string];
    const last = this.#last;
    if (last && last.clientId === id && last.clientSecret === secret) return last;
    return (this.#last = pair(id, secret));
  }
}

function pair(clientId: string, clientSecret: string): ClientCredentials {
  return { clientId, clientSecret, key: createHash('sha256').update(clientId).update('\0').update(clientSecret).digest('hex') };
}

function call(source: AsposeCredential): Promise<unknown> {
  if (typeof source === 'string') return Promise.resolve(source);
  // new Promise turns a synchronous throw into a rejection.
  return new Promise((resolve) => resolve(source()));
}

/** What is wrong with a value a credential function returned (never quoting it), or undefined. */
function valueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `returned ${value === null ? 'null' : typeof value}, not a string`;
  if (value === '') return 'returned an empty string';
  const problem = credentialProblem(value);
  return problem ? `returned a value that ${problem}` : undefined;
}
