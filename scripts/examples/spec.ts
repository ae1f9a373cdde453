// A test file (`<!-- context: spec -->` before the block): the globals of jest
// and vitest, whose APIs the docs' specs use alike.
export { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, test } from '@jest/globals';
