/**
 * "API Sentinel: Show Routes": the routes of the workspace's apps, as the server found them (method, full path, what
 * protects them), in a QuickPick; the chosen one opens at its registration. Nothing is computed here.
 */
import { Range, Selection, TextEditorRevealType, Uri, window, workspace } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ROUTE_FRAMEWORK_PACKAGES } from '../../server/src/workspace/route-apps';

export const SHOW_ROUTES_COMMAND = 'apiSentinel.showRoutes';

/** The server's answer (server/src/lsp/features/show-routes.ts). */
interface ListedRoute {
  method: string;
  path: string;
  protection: string;
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

export async function showRoutes(client: () => Promise<LanguageClient>): Promise<void> {
  const { routes } = await window.withProgress({ location: { viewId: 'workbench.view.explorer' }, title: 'API Sentinel: reading routes' },
    async () => (await client()).sendRequest<{ routes: ListedRoute[] }>('apiSentinel/routes', {}));
  if (routes.length === 0) {
    void window.showInformationMessage(`API Sentinel: no routes found (apps are the folders whose package.json depends on one of ${ROUTE_FRAMEWORK_PACKAGES.join(', ')}).`);
    return;
  }
  const items = routes.map((route) => {
    const uri = Uri.parse(route.uri);
    return {
      label: `${route.method} ${route.path}`,
      description: route.protection,
      detail: `${workspace.asRelativePath(uri)}:${route.range.start.line + 1}`,
      route, uri,
    };
  });
  const chosen = await window.showQuickPick(items, { title: 'API Sentinel: Routes', placeHolder: 'Filter by method, path or protection', matchOnDescription: true, matchOnDetail: true });
  if (!chosen) return;
  const { start, end } = chosen.route.range;
  const range = new Range(start.line, start.character, end.line, end.character);
  const editor = await window.showTextDocument(chosen.uri);
  editor.selection = new Selection(range.start, range.end);
  editor.revealRange(range, TextEditorRevealType.InCenterIfOutsideViewport);
}
