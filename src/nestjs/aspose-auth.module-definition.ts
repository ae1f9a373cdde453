import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { AsposeAuthModuleExtras, AsposeAuthModuleOptions } from './aspose-auth-options.interface.js';
import { ASPOSE_AUTH_MODULE_OPTIONS } from './aspose-auth.constants.js';
import { asposeAuthExports, createAsposeAuthProviders } from './aspose-auth.providers.js';

/**
 * The `ConfigurableModuleBuilder` call behind `AsposeAuthModule`:
 * `forRoot(options)` and `forRootAsync({ imports, inject, useFactory | useClass | useExisting })`,
 * with `isGlobal` and `name` as extras. A factory class implements
 * `createAsposeAuthOptions()`. The extras shape the definition: each `name`
 * gets its own providers and exports, so named clients never collide.
 */
export const {
  ConfigurableModuleClass: AsposeAuthConfigurableModule,
  MODULE_OPTIONS_TOKEN,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<AsposeAuthModuleOptions>({ moduleName: 'AsposeAuth', optionsInjectionToken: ASPOSE_AUTH_MODULE_OPTIONS })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createAsposeAuthOptions')
  .setExtras<AsposeAuthModuleExtras>({ isGlobal: false, name: undefined }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal === true,
    providers: [...(definition.providers ?? []), ...createAsposeAuthProviders(extras.name)],
    exports: asposeAuthExports(extras.name),
  }))
  .build();
