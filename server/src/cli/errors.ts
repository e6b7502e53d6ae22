/** An error the user can act on: printed as one line (escaped: it may quote file names), exit code 2 (usage or fatal error). */
export class CliError extends Error {
  constructor(message: string, readonly hint?: string) { super(message); }
}

