/**
 * Command errors: printed as `Error: <message>` (like cobra) with the exit code Kyverno uses.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    /** when true, nothing is printed (the command already reported) */
    readonly silent = false,
  ) {
    super(message);
  }
}
