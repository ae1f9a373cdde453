/**
 * Type-level test, checked by `npx tsc -p tsconfig.json` (never run): the
 * dispatchers an application brings, from undici 7 (the library's own) or
 * undici 8, plain, composed with interceptors or a `ProxyAgent`, are
 * accepted as `dispatcher` by `AsposeClient`, `TokenService`, Nest's
 * `AsposeAuthModule.forRoot()` and `forRootAsync({ useFactory })`.
 * undici 7's full `DispatchHandler` type declares a legacy `onBodySent` that
 * undici 8 declares differently; before `AsposeDispatcher` typed the handler
 * as the callback API both share, none of the undici 8 lines compiled.
 */
import * as undici7 from 'undici';
import * as undici8 from 'undici8';
import { AsposeClient, TokenService, type AsposeClientOptions, type AsposeDispatcher, type TokenServiceOptions } from 'aspose-cloud-auth';
import { AsposeAuthModule } from 'aspose-cloud-auth/nestjs';

export function typeCheckOnly(): unknown[] {
  const credentials = { clientId: 'id', clientSecret: 'secret' };
  const dispatchers = {
    agent8: new undici8.Agent({ connections: 4 }),
    proxy8: new undici8.ProxyAgent({ uri: 'http://proxy.internal:3128', proxyTunnel: true }),
    envProxy8: new undici8.EnvHttpProxyAgent(),
    retry8: new undici8.Agent().compose(undici8.interceptors.retry({ maxRetries: 2 })),
    redirect8: new undici8.ProxyAgent('http://proxy.internal:3128').compose(undici8.interceptors.redirect({ maxRedirections: 2 }), undici8.interceptors.dns()),
    pool8: new undici8.Pool('https://api.aspose.cloud'),
    agent7: new undici7.Agent(),
    proxy7: new undici7.ProxyAgent('http://proxy.internal:3128'),
    retry7: new undici7.Agent().compose(undici7.interceptors.retry()),
  };

  const out: unknown[] = [];
  for (const dispatcher of Object.values(dispatchers)) {
    const asDispatcher: AsposeDispatcher = dispatcher;
    const clientOptions: AsposeClientOptions = { ...credentials, dispatcher };
    const tokenOptions: TokenServiceOptions = { ...credentials, dispatcher };
    out.push(
      asDispatcher,
      new AsposeClient(clientOptions),
      new TokenService(tokenOptions),
      AsposeAuthModule.forRoot({ ...credentials, dispatcher }),
      AsposeAuthModule.forRootAsync({ useFactory: () => ({ ...credentials, dispatcher }) }),
    );
  }
  // Each one directly too, not only through the union of the loop.
  out.push(
    new AsposeClient({ ...credentials, dispatcher: dispatchers.agent8 }),
    new AsposeClient({ ...credentials, dispatcher: dispatchers.proxy8 }),
    new AsposeClient({ ...credentials, dispatcher: dispatchers.retry8 }),
    new TokenService({ ...credentials, dispatcher: dispatchers.proxy8 }),
    AsposeAuthModule.forRoot({ ...credentials, dispatcher: dispatchers.redirect8 }),
  );
  return out;
}
