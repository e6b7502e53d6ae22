/**
 * Which folders hold an app whose routes API Sentinel reads: the language server makes each one an analysis unit, and
 * the VS Code client starts the server on TypeScript and JavaScript only in a workspace that has one. Free of imports,
 * so that the client bundles these few lines and nothing else.
 */
/** The packages whose apps route analysis reads: a folder whose `package.json` depends on one holds route code. */
export const ROUTE_FRAMEWORK_PACKAGES: readonly string[] = ['express', 'fastify', '@nestjs/core', 'koa', 'hono', 'next'];

/** Whether a `package.json` text declares a dependency (of any kind) on one of `ROUTE_FRAMEWORK_PACKAGES`. */
export function dependsOnRouteFramework(packageJson: string): boolean {
  let manifest: unknown;
  try { manifest = JSON.parse(packageJson); } catch { return false; }
  if (typeof manifest !== 'object' || manifest === null) return false;
  return ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].some((field) => {
    const deps = (manifest as Record<string, unknown>)[field];
    return typeof deps === 'object' && deps !== null && ROUTE_FRAMEWORK_PACKAGES.some((name) => Object.hasOwn(deps, name));
  });
}
