import { loadAsposeConfig, ASPOSE_ENV_VARIABLES } from '../config/env.js';
import type { AsposeAuthModuleOptions } from './aspose-auth-options.interface.js';

/** What the `@nestjs/config` bridge injects (its `ConfigService`): just the method read here. @internal */
export interface ConfigReader {
  get(name: string): unknown;
}

/**
 * Builds options from the `{prefix}*` variables as `ConfigService` sees them,
 * validated all at once by the core's {@link loadAsposeConfig}: one
 * `AsposeConfigError` naming every bad variable, and never a secret.
 *
 * @internal
 */
export function asposeOptionsFromConfig(config: ConfigReader, prefix: string, prefetchToken: boolean | undefined): AsposeAuthModuleOptions {
  const env: Record<string, string | undefined> = {};
  for (const suffix of Object.values(ASPOSE_ENV_VARIABLES)) {
    const value = config.get(prefix + suffix);
    // ConfigService may hold validated, converted values (a number, a boolean).
    if (value !== undefined && value !== null) env[prefix + suffix] = configText(value as string | number | boolean);
  }
  const options: AsposeAuthModuleOptions = loadAsposeConfig(env, { prefix });
  if (prefetchToken !== undefined) options.prefetchToken = prefetchToken;
  return options;
}

/** `ASPOSE_` for the default client, `ASPOSE_OCR_` for `name: 'ocr'`. @internal */
export function defaultEnvPrefix(name: string | undefined): string {
  return name === undefined ? 'ASPOSE_' : `ASPOSE_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_`;
}

/** A `ConfigService` value as the text an environment variable would hold. */
function configText(value: string | number | boolean): string {
  return typeof value === 'string' ? value : String(value);
}
