/** The web frameworks the adapters and the proxy are tested on, each suite running once per framework. */
export type Framework = 'express' | 'koa';

export const FRAMEWORKS: Framework[] = ['express', 'koa'];
