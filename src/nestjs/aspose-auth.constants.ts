/**
 * Injection token of the options object of one `AsposeAuthModule` registration.
 * Each registration (named or not) is its own module instance, so this one
 * token resolves to that registration's options inside it. Not exported from
 * the module: read the client, not its options.
 */
export const ASPOSE_AUTH_MODULE_OPTIONS = 'aspose-cloud-auth:AsposeAuthModuleOptions';

/** Internal token of the object that owns one registration's client and runs its lifecycle hooks. @internal */
export const ASPOSE_CLIENT_HOST = 'aspose-cloud-auth:AsposeClientHost';

/** Internal token through which `forRootAsync()` without a factory reaches `ConfigService`. @internal */
export const ASPOSE_CONFIG_SERVICE = 'aspose-cloud-auth:ConfigService';
