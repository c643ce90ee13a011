/**
 * Work leases: which person may answer which item for now. A lease keeps an item away from
 * everyone else until it expires (default 10 minutes) or its label arrives, unless the item wants
 * more answers than the people already holding it; a person is never handed an item they answered.
 */

/** Default time a person keeps an item they were handed (ms). */
export const DEFAULT_LEASE_MS = 10 * 60 * 1000;

export interface LeaseRequest {
    task: string;
    /** The person asking (the name their labels are stored under). */
    person: string;
    /** Items in the order the routing policy wants them answered. */
    candidates: readonly string[];
    /** How many more answers each candidate wants (same order; default 1 each). */
    wanted?: readonly number[];
    /** At most this many items. Default 1. */
    limit?: number;
    /** Lease time (ms). Default DEFAULT_LEASE_MS. */
    leaseMs?: number;
}

export interface Lease {
    task: string;
    item: string;
    person: string;
    /** ISO time the lease ends unless renewed. */
    expiresAt: string;
}

/** Leases of a store whose one writer process hands out the work (the embedded store): kept in memory. */
export class MemoryLeases {
    private readonly held = new Map<string, Map<string, number>>();

    lease(request: LeaseRequest, answered: (item: string) => boolean): Lease[] {
        const now = Date.now();
        const until = now + (request.leaseMs ?? DEFAULT_LEASE_MS);
        const limit = request.limit ?? 1;
        const leases: Lease[] = [];
        request.candidates.forEach((item, i) => {
            if (leases.length >= limit || answered(item)) {
                return;
            }
            const holders = this.holdersOf(request.task, item, now);
            // A person who holds the item renews it; anyone else gets it while it has fewer holders than answers wanted.
            if (!holders.has(request.person) && holders.size >= (request.wanted?.[i] ?? 1)) {
                return;
            }
            holders.set(request.person, until);
            leases.push({ task: request.task, item, person: request.person, expiresAt: new Date(until).toISOString() });
        });
        return leases;
    }

    release(task: string, person: string, items?: readonly string[]): void {
        for (const [key, holders] of this.held) {
            const [leaseTask, item] = JSON.parse(key) as [string, string];
            if (leaseTask === task && (!items || items.includes(item))) {
                holders.delete(person);
            }
        }
    }

    private holdersOf(task: string, item: string, now: number): Map<string, number> {
        const key = JSON.stringify([task, item]);
        let holders = this.held.get(key);
        if (!holders) {
            this.held.set(key, (holders = new Map()));
        }
        for (const [person, until] of holders) {
            if (until <= now) {
                holders.delete(person);
            }
        }
        return holders;
    }
}
