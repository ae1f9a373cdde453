/**
 * The one place the library imports undici's values. `./node-fetch-first.js`
 * must run before the undici package is evaluated (see there for why), and
 * import order is evaluation order in both CommonJS and ESM, so every other
 * module takes undici's classes from here. Type-only imports of `undici` are
 * fine anywhere: they leave nothing in the output.
 *
 * @internal
 */
import './node-fetch-first.js';

export { Agent, Dispatcher } from 'undici';
