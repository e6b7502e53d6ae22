import type { Check } from '../check';
import type { Fix } from '../../types';
import type { SpecNode } from '../../spec/load';
import { child, items, servers } from '../../spec/model';
import { attempt } from '../../edit/fixes';
import { removeItem, replaceScalar, replaceSpan } from '../../edit/edits';

export const transportInsecureServer: Check = {
  meta: {
    id: 'transport-insecure-server',
    family: 'transport',
    needs: ['spec'],
    owasp: ['API8:2023'],
    cwe: ['CWE-319'],
    severity: 'error',
    description: 'A server URL uses plain `http://` (or an OpenAPI 2.0 document lists the `http` scheme) for a host other than localhost.',
    rationale: 'Over plain HTTP, credentials, tokens and response data travel unencrypted and can be read or altered by anyone on the network path.',
    fix: 'Serve the API over HTTPS only: change the URL to `https://` (OpenAPI 2.0: `schemes: [https]`).',
  },
  run(ctx) {
    for (const doc of ctx.documents) {
      if (doc.version === '2.0') {
        const host = String((doc.root.value as Record<string, unknown>).host ?? '');
        if (LOCAL_HOST.test(host)) continue;
        const owners: SpecNode[] = [doc.root, ...doc.operations.map((op) => op.node)];
        for (const owner of owners) {
          const list = child(owner, 'schemes');
          for (const scheme of items(list)) {
            if (String(scheme.value).toLowerCase() !== 'http') continue;
            const fix = useHttpsScheme(list!, scheme);
            ctx.report({ at: scheme, part: 'value', operations: owner === doc.root ? [] : doc.operations.filter((op) => op.node === owner),
              fixes: fix ? [fix] : [],
              message: `The API is served over plain HTTP${host ? ` at ${host}` : ''}: credentials and data can be read or changed in transit.` });
          }
        }
        continue;
      }
      for (const { node: server } of servers(doc)) {
        const url = child(server, 'url');
        if (!url || typeof url.value !== 'string') continue;
        const host = plainHttpHost(url.value);
        if (host === undefined || LOCAL_HOST.test(host)) continue;
        const fix = useHttpsUrl(url);
        ctx.report({ at: url, part: 'value', fixes: fix ? [fix] : [],
          message: `Server '${url.value}' uses plain HTTP: credentials and data can be read or changed in transit.` });
      }
    }
  },
};

const LOCAL_HOST = /^(localhost|127(?:\.\d+){3}|\[::1\]|0\.0\.0\.0|[^/:]+\.localhost|host\.docker\.internal)(?::\d+)?$/i;

/** The host of an http:// URL, or undefined when the URL does not use plain http. */
function plainHttpHost(url: string): string | undefined {
  const m = /^http:\/\/([^/?#]*)/i.exec(url.trim());
  return m ? m[1] : undefined;
}

/** Turns `http://` into `https://` in a server URL, touching only the scheme (quotes and the rest stay as written). */
function useHttpsUrl(url: SpecNode): Fix | undefined {
  const span = url.file.spanOf(url.parent!, url.key!, 'value');
  const scheme = /^(["']?)http(?=:)/i.exec(url.file.text.slice(span.start, span.end));
  if (!scheme) return undefined;
  const start = span.start + scheme[1].length;
  return { title: 'Use https://', kind: 'suggestion', edits: [replaceSpan(url.file, { start, end: start + 4 }, 'https')] };
}

/** An OpenAPI 2.0 `http` in `schemes`: dropped when `https` is listed beside it, else replaced by `https`. */
function useHttpsScheme(list: SpecNode, item: SpecNode): Fix | undefined {
  const httpsListed = items(list).some((other) => String(other.value).toLowerCase() === 'https');
  return attempt(() => httpsListed
    ? { title: "Remove 'http' (keep 'https')", kind: 'suggestion', edits: [removeItem(list.file, list.value as object, item.key as number)] }
    : { title: 'Use https', kind: 'suggestion', edits: [replaceScalar(item.file, item.file.spanOf(list.value as object, item.key!), 'https')] });
}
