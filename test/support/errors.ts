/**
 * The error a call ends with, as a value: so that a test asserts on it, and
 * fails (rather than passing with no assertion run) when there is none.
 */
import { AsposeConfigError } from 'aspose-cloud-auth';

/** Settles `p` into its rejection reason; fails the test if it resolves. */
export async function rejectionOf(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** The error `fn` throws; fails the test if it returns. */
export function thrownBy(fn: () => unknown): any {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw, but it returned');
}

/** The {@link AsposeConfigError} `fn` throws; fails the test if it throws anything else, or nothing. */
export function configError(fn: () => unknown): AsposeConfigError {
  const err = thrownBy(fn);
  expect(err).toBeInstanceOf(AsposeConfigError);
  return err as AsposeConfigError;
}
