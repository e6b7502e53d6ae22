/** Bundles the extension-host suite into one CommonJS file that VS Code's extension host can require. */
import { join } from 'node:path';
import { build } from 'esbuild';

export async function bundleSuite(outDir: string): Promise<string> {
  const outfile = join(outDir, 'index.js');
  await build({
    entryPoints: [join(__dirname, 'index.ts')], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs',
    external: ['vscode'], logLevel: 'warning',
  });
  return outfile;
}
