import { TOOL_VERSION } from './about';
import { MIN_POOL_DOCUMENTS, THREADS_VARIABLE } from './pool';

/** The text of `api-sentinel --help`, written to be pasted into the README as is. */
export const USAGE = `API Sentinel ${TOOL_VERSION}: reviews the API security of OpenAPI documents
(OpenAPI 2.0, 3.0 and 3.1; YAML or JSON; multi-file $refs) and of route code
(Express, Fastify, NestJS, Koa, Hono and Next.js, in TypeScript or JavaScript).

Usage:
  api-sentinel review [options] [paths...]
  api-sentinel routes [--format text|json|openapi] [--output <file>]
                      [--config <file>] [paths...]
  api-sentinel baseline create [--output <file>] [--config <file>] [paths...]
  api-sentinel lsp --stdio | --node-ipc | --socket=<port>
  api-sentinel help | --help | -h
  api-sentinel --version | -v

Paths are files or folders (default: the current folder). Folders are searched
recursively for .yaml, .yml and .json files and for route code (.ts, .tsx,
.js, .jsx, .mjs, .cjs, .mts, .cts; not .d.ts, .min.js, .gen.ts or
.generated.ts files, nor code in dist, build, .next or coverage), skipping
node_modules, .git, .hg, .svn and the configuration's exclude globs; files
that are not OpenAPI documents are skipped quietly. Route code is parsed,
never run: the files it imports are followed (tsconfig.json paths included),
packages are not. A file named on the command line is always reviewed, and
reported when it cannot be.

The current folder is the project root: files are reported relative to it and
$refs and symbolic links may not lead out of it.

'lsp' starts the language server (diagnostics, hovers, quick fixes) for any
LSP client: Neovim, Helix, Emacs, Zed, or VS Code through the extension.

Options (review):
  -f, --format <format>   text (default), json, sarif, github or markdown
  -o, --output <file>     write the report to <file> (never colored) instead of
                          standard output
      --fail-on <level>   exit 1 when a finding or problem reaches <level>:
                          error (default), warning, info, or never
      --diff <git-ref>    report only the findings that the working tree adds
                          to the merge base of HEAD and <git-ref>, and those it
                          fixed (the base is read through git: nothing is
                          checked out)
      --baseline <file>   report only the findings that <file> does not hold,
                          and how many of its entries are gone
  -c, --config <file>     configuration file (default: .api-sentinel.yaml in the
                          current folder, when present)
      --min-severity <level>
                          the text report lists findings and problems of
                          <level> or above: error, warning, info (default) or
                          hint; its summary counts all of them
  -h, --help              show this help
  -v, --version           show the version

Comparing (--diff, --baseline):
  Findings match by identity: rule, file and place in the file (a JSON
  pointer), never a line number, so moved or reformatted specs are not new;
  with --diff, renamed files are followed. --fail-on counts the new findings
  only (and problems). Both sides are reviewed with the working tree's
  configuration. An unchanged finding that now concerns more operations (a
  flagged shared schema that a new operation uses) stays unchanged, listed
  with the operations it gained. A shallow clone may lack the merge base:
  fetch it first (git fetch --unshallow).

Exit codes:
  0  nothing reached --fail-on
  1  a finding (not suppressed) or a problem reached --fail-on. Problems are
     counted like findings of their severity: a file that cannot be read or
     parsed, a broken $ref and an invalid configuration entry are errors (as
     parse errors are in ESLint); a file too large to review is a warning; a
     named file that is not an OpenAPI document is info
  2  usage error (unknown option, bad value, missing path, --diff outside a
     git repository or without a merge base) or fatal error

Formats:
  text      grouped by file: line:col, severity, message, rule id, OWASP id,
            then a summary. Colored on a terminal; NO_COLOR turns colors off
            and FORCE_COLOR on. Suppressed findings, and hints unless
            --min-severity hint asks for them, are counted, not listed.
            --min-severity applies to text only: the other formats hold
            every finding.
  json      { version: 1, findings, problems, routes, summary }: findings
            carry ruleId, family, owasp, cwe, severity, message, file, range
            (0-based, as in LSP), operations, related, fixes, and suppressed
            when suppressed; routes is the route table read from the code
            (method, path, framework, file, range, chain, handler); summary
            lists the frontends that ran (spec, code). Compared with a base,
            findings are the new ones, and fixed, unchanged (a count),
            widened and base (or baseline) are added. The report is one
            line of JSON ('jq .' indents it).
  sarif     SARIF 2.1.0, for GitHub code scanning and other SARIF viewers;
            suppressed findings carry suppressions. Compared with a base,
            every result has a baselineState: new, unchanged, updated (it
            gained operations) or absent (fixed). One line of JSON, too.
  github    GitHub Actions annotations on the findings' lines (the new ones,
            compared with a base); with $GITHUB_STEP_SUMMARY set, the
            markdown report is added to the job summary.
  markdown  for a pull-request comment: findings grouped by operation, with
            OWASP ids and fixes; compared with a base, the new ones, then
            the fixed ones.

Routes ('api-sentinel routes'): the route table read from the code, each
route with its full path and what protects it.
  text      one line per route: METHOD /path, file:line, then 'protected
            by X (auth), Y (rate-limit)' or 'no auth'
  json      { version: 1, routes, problems }, routes as in the review's JSON
  openapi   an OpenAPI 3.1 skeleton (YAML) of the routes: paths, methods,
            path parameters, and security (a bearerAuth placeholder) only
            where the code enforces auth; a starting point for a spec

Configuration (.api-sentinel.yaml):
  rules: { <rule-id>: error | warning | info | hint | off }
  sensitiveFields, publicPaths, include, exclude: lists of names or globs
  authMiddleware, rateLimiters: names of the project's own auth middleware
                          (guards, hooks) and rate limiters, trusted as such
  allowRemoteRefs: true   fetch http(s) $refs (off: nothing leaves the machine;
                          each fetch times out after 10 s)
  maxFileSizeMB: 20       larger files are skipped with a warning

Baselines: 'baseline create' writes today's findings (suppressed ones too)
by identity, sorted: { version: 1, tool, findings: [{ ruleId, file, anchor,
message }] }. Commit it; 'review --baseline <file>' then fails on new
findings only.

Environment:
  ${THREADS_VARIABLE}=<n>
      threads for reviewing many OpenAPI documents (a monorepo); 1 reviews on
      one thread. Default: one per core, at most 8. Fewer than ${MIN_POOL_DOCUMENTS} documents are
      always reviewed on one thread. The report is the same either way.

Suppressing one finding, with a reason, on the flagged object or any object
above it in a spec, or on the line above a route's registration in code:
  x-api-sentinel-ignore: { <rule-id>: "<reason>" }
  // api-sentinel-ignore <rule-id>: <reason>

Examples:
  api-sentinel review
  api-sentinel review openapi.yaml specs/
  api-sentinel review --fail-on warning
  api-sentinel review --min-severity warning
  api-sentinel review --format sarif --output api-sentinel.sarif
  api-sentinel review --diff origin/main --format markdown --output comment.md
  api-sentinel baseline create --output api-sentinel-baseline.json
  api-sentinel review --baseline api-sentinel-baseline.json
  api-sentinel routes src/ --format openapi --output openapi.yaml
`;
