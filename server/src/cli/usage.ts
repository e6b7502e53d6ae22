import { TOOL_VERSION } from './about';

/** The text of `api-sentinel --help`, written to be pasted into the README as is. */
export const USAGE = `API Sentinel ${TOOL_VERSION}: reviews the API security of OpenAPI documents
(OpenAPI 2.0, 3.0 and 3.1; YAML or JSON; multi-file $refs).

Usage:
  api-sentinel review [options] [paths...]
  api-sentinel lsp --stdio | --node-ipc | --socket=<port>
  api-sentinel help | --help | -h
  api-sentinel --version | -v

Paths are files or folders (default: the current folder). Folders are searched
recursively for .yaml, .yml and .json files, skipping node_modules, .git, .hg,
.svn and the configuration's exclude globs; files that are not OpenAPI
documents are skipped quietly. A file named on the command line is always
reviewed, and reported when it is not an OpenAPI document.

The current folder is the project root: files are reported relative to it and
$refs and symbolic links may not lead out of it.

'lsp' starts the language server (diagnostics, hovers, quick fixes) for any
LSP client: Neovim, Helix, Emacs, Zed, or VS Code through the extension.

Options (review):
  -f, --format <format>   text (default), json or sarif
  -o, --output <file>     write the report to <file> (never colored) instead of
                          standard output
      --fail-on <level>   exit 1 when a finding or problem reaches <level>:
                          error (default), warning, info, or never
  -c, --config <file>     configuration file (default: .api-sentinel.yaml in the
                          current folder, when present)
      --min-severity <level>
                          the text report lists findings and problems of
                          <level> or above: error, warning, info (default) or
                          hint; its summary counts all of them
  -h, --help              show this help
  -v, --version           show the version

Exit codes:
  0  nothing reached --fail-on
  1  a finding (not suppressed) or a problem reached --fail-on. Problems are
     counted like findings of their severity: a file that cannot be read or
     parsed, a broken $ref and an invalid configuration entry are errors (as
     parse errors are in ESLint); a file too large to review is a warning; a
     named file that is not an OpenAPI document is info
  2  usage error (unknown option, bad value, missing path) or fatal error

Formats:
  text   grouped by file: line:col, severity, message, rule id, OWASP id, then
         a summary. Colored on a terminal; NO_COLOR turns colors off and
         FORCE_COLOR on. Suppressed findings, and hints unless --min-severity
         hint asks for them, are counted, not listed.
  json   { version: 1, findings, problems, summary }: findings carry ruleId,
         family, owasp, cwe, severity, message, file, range (0-based, as in
         LSP), operations, related, fixes, and suppressed when suppressed.
  sarif  SARIF 2.1.0, for GitHub code scanning and other SARIF viewers;
         suppressed findings carry suppressions. JSON and SARIF hold every
         finding, whatever --min-severity says.

Configuration (.api-sentinel.yaml):
  rules: { <rule-id>: error | warning | info | hint | off }
  sensitiveFields, publicPaths, include, exclude: lists of names or globs
  allowRemoteRefs: true   fetch http(s) $refs (off: nothing leaves the machine;
                          each fetch times out after 10 s)
  maxFileSizeMB: 20       larger files are skipped with a warning

Suppressing one finding, with a reason, on the flagged object or any object
above it:
  x-api-sentinel-ignore: { <rule-id>: "<reason>" }

Examples:
  api-sentinel review
  api-sentinel review openapi.yaml specs/
  api-sentinel review --fail-on warning
  api-sentinel review --min-severity warning
  api-sentinel review --format sarif --output api-sentinel.sarif
`;
