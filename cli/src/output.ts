/** Printing for every command: exactly one JSON document with --json, text otherwise. */

export function printJson(value: unknown): void {
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(line = ''): void {
    process.stdout.write(`${line}\n`);
}

export function printError(message: string): void {
    process.stderr.write(`dprog: ${message}\n`);
}
