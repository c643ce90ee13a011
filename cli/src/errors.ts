/** Exit codes of the `dprog` command (architecture contract). */
export const ExitCode = {
    ok: 0,
    /** The program or its data has errors. */
    programError: 1,
    /** Bad usage or an I/O failure. */
    usage: 2,
} as const;

/** A failure that is the user's to fix: printed as a message (no stack) with exit code 2. */
export class UsageError extends Error {
    readonly exitCode: number = ExitCode.usage;
}

/** The program or data has errors: exit code 1. */
export class ProgramError extends Error {
    readonly exitCode: number = ExitCode.programError;
}
