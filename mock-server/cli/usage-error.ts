/** A command line the user has to correct: printed with the command's usage, exit code 1. */
export class UsageError extends Error {}
