/**
 * Timings the end-to-end test reads: activation time and label round trips. Written as JSON lines to
 * the file named by DPROG_METRICS_FILE when set (never otherwise), and always to the log.
 */
import { appendFileSync } from 'node:fs';

export class Metrics {
    private readonly file = process.env.DPROG_METRICS_FILE;

    constructor(private readonly log: (line: string) => void) {}

    record(name: string, value: number, unit = 'ms'): void {
        this.log(`${name}: ${value.toFixed(1)} ${unit}`);
        if (!this.file) {
            return;
        }
        try {
            appendFileSync(this.file, `${JSON.stringify({ name, value, unit, at: new Date().toISOString() })}\n`);
        } catch {
            // Metrics are best effort: never disturb the user's work.
        }
    }
}
