/**
 * Sets environment variables for one test and puts the old values back after,
 * so suites that read `ASPOSE_*` through `ConfigService` cannot leak into each other.
 */
export function useEnv(): (vars: Record<string, string | undefined>) => void {
  const saved = new Map<string, string | undefined>();
  afterEach(() => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    saved.clear();
  });
  return (vars) => {
    for (const [k, v] of Object.entries(vars)) {
      if (!saved.has(k)) saved.set(k, process.env[k]);
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** Every `ASPOSE_*` variable currently set, for clearing them before a test. */
export function asposeVariables(): Record<string, undefined> {
  return Object.fromEntries(
    Object.keys(process.env)
      .filter((k) => k.startsWith('ASPOSE_'))
      .map((k) => [k, undefined]),
  );
}
