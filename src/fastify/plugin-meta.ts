/**
 * Fastify reads two well-known symbols on a plugin function: its name (in
 * errors and `printPlugins()`), and whether it skips encapsulation, so that
 * what it decorates is seen by the scope that registered it and every
 * sibling. This is all `fastify-plugin` does at run time; setting them here
 * keeps the adapter free of a runtime dependency.
 *
 * @internal
 */
export function fastifyPlugin<T extends object>(plugin: T, name: string, { skipOverride }: { skipOverride: boolean }): T {
  Object.defineProperty(plugin, Symbol.for('fastify.display-name'), { value: name });
  if (skipOverride) Object.defineProperty(plugin, Symbol.for('skip-override'), { value: true });
  return plugin;
}
