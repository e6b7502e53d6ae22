/**
 * Navigation between a spec operation and the code that implements it. From an operation (its method key or its
 * path), "Go to Implementation" opens the handlers of its routes; from a route registration, "Go to Definition" opens
 * its operations in the spec; a hover on an operation says where it is implemented and what protects it in code.
 *
 * The links come from the engine (`linkEndpoints`: the pairs the inventory checks compare), computed per workspace
 * folder from its files as the server reads them (open buffers first), on the first request that needs them and
 * again after a file of the folder changed: never on the keystroke path.
 */
import * as path from 'node:path';
import type { Hover, Location as LspLocation } from 'vscode-languageserver/node';
import {
  linkEndpoints, resolveConfig, type Config, type EndpointLinks, type FileReader, type OperationPlace, type Position, type Range, type Route,
} from '../../engine';
import { codeFrontend } from '../../workspace/code-frontend';
import { discoverFiles } from '../../workspace/discover';
import { readTextFile } from '../../workspace/files';
import { markdownCode, markdownText } from '../../text/escape';
import { toUri } from '../convert';
import type { OpenDocuments } from '../open-documents';

export interface NavigationHost {
  open: OpenDocuments;
  /** The workspace folder holding a file. */
  folderOf(file: string): string;
  /** A folder's configuration (its file and the editor's settings). */
  config(folder: string): Promise<Config>;
}

const contains = (r: Range, p: Position) =>
  (p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character))
  && (p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character));

export class EndpointNavigation {
  /** Each folder's links, computed on first use and dropped when one of its files changes. */
  private readonly links = new Map<string, Promise<EndpointLinks>>();

  constructor(private readonly host: NavigationHost) {}

  /** A file changed (a buffer edit, or on disk): the links of its folder are computed again when next asked for. */
  changed(file: string): void {
    this.links.delete(this.host.folderOf(file));
  }

  /** A folder left the workspace. */
  forgetFolder(folder: string): void {
    this.links.delete(folder);
  }

  /** textDocument/implementation: from an operation, the handlers of the routes that implement it. */
  async implementation(file: string, position: Position): Promise<LspLocation[]> {
    const { folder, links } = await this.of(file);
    const found = this.operationAt(links, folder, file, position);
    return found ? found.routes.map((route) => handlerLocation(folder, route)) : [];
  }

  /** textDocument/definition: from a route registration, the operations it implements. */
  async definition(file: string, position: Position): Promise<LspLocation[]> {
    const { folder, links } = await this.of(file);
    const relPath = relative(folder, file);
    const found = links.routes.find(({ route }) => route.file === relPath && contains(route.range, position));
    return found ? found.operations.map((op) => ({ uri: toUri(folder, op.file), range: op.range })) : [];
  }

  /** A hover on an operation: the routes that implement it, their handlers and their chains. */
  async hover(file: string, position: Position): Promise<Hover | undefined> {
    const { folder, links } = await this.of(file);
    const found = this.operationAt(links, folder, file, position);
    if (!found) return undefined;
    const label = markdownCode(`${found.operation.method} ${found.operation.path}`);
    if (found.routes.length === 0) return { contents: { kind: 'markdown', value: `**API Sentinel**: no route in the code implements ${label}.` } };
    const parts = found.routes.map((route) => {
      const handler = route.handler?.name ? ` by ${markdownCode(route.handler.name)}` : '';
      const chain = route.chain.length === 0 ? 'nothing runs before the handler'
        : route.chain.map((link) => `${markdownCode(link.name)} (${link.kind})`).join(' → ');
      return `- ${markdownCode(route.key)} in [${markdownText(route.file)}:${route.range.start.line + 1}](${toUri(folder, route.file)}#L${route.range.start.line + 1})${handler}\n  - chain: ${chain}`;
    });
    return { contents: { kind: 'markdown', value: `**API Sentinel**: ${label} is implemented by\n\n${parts.join('\n')}` } };
  }

  /** The operation whose method key or path key is at the position. */
  private operationAt(links: EndpointLinks, folder: string, file: string, position: Position): EndpointLinks['operations'][number] | undefined {
    const relPath = relative(folder, file);
    const onKey = (op: OperationPlace) => op.file === relPath && contains(op.range, position);
    const onPath = (op: OperationPlace) => op.pathFile === relPath && op.pathRange !== undefined && contains(op.pathRange, position);
    return links.operations.find(({ operation }) => onKey(operation)) ?? links.operations.find(({ operation }) => onPath(operation));
  }

  private async of(file: string): Promise<{ folder: string; links: EndpointLinks }> {
    const folder = this.host.folderOf(file);
    let links = this.links.get(folder);
    if (!links) {
      links = this.compute(folder);
      this.links.set(folder, links);
      // a failure is not kept: the next request tries again
      links.catch(() => { if (this.links.get(folder) === links) this.links.delete(folder); });
    }
    return { folder, links: await links };
  }

  private async compute(folder: string): Promise<EndpointLinks> {
    const config = resolveConfig(await this.host.config(folder));
    const { files } = discoverFiles([folder], folder, config, { code: true });
    const reader: FileReader = {
      read: (file, limits) => this.host.open.get(file)?.getText() ?? readTextFile(file, folder, limits.maxBytes),
    };
    return linkEndpoints({ root: folder, files, reader, config, frontends: { code: codeFrontend } });
  }
}

function relative(folder: string, file: string): string {
  return path.relative(folder, file).split(path.sep).join('/');
}

/** Where a route's handler is declared, else where the route is registered. */
function handlerLocation(folder: string, route: Route): LspLocation {
  const at = route.handler ?? route;
  return { uri: toUri(folder, at.file), range: at.range };
}
