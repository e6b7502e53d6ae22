/** An error the user can act on: printed as one line (escaped: it may quote file names), exit code 2 (usage or fatal error). */
export class CliError extends Error {
  constructor(message: string, readonly hint?: string) { super(message); }
}

export const NOT_FOUND = 'no such file or folder';

/** The reason an I/O error gives, without Node's stack or syscall noise: "no such file or folder", "permission denied"... */
export function ioReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT': return NOT_FOUND;
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'it is a folder';
    case 'ENOTDIR': return 'a part of the path is not a folder';
    case 'ERR_STRING_TOO_LONG': return 'too large to read';
    default: return error instanceof Error ? error.message : String(error);
  }
}
