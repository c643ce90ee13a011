/**
 * Model versions kept in the label store's model_versions table (the learning curve survives the
 * process). The versions of the model labelers asked for are read once when opened (the store may
 * be a server, read asynchronously); `add` writes through and keeps the list current.
 */
import type { Store } from '../store/index.js';
import type { ModelVersion, ModelVersionStore } from './model-versions.js';

export class StoreModelVersions implements ModelVersionStore {
    private constructor(
        private readonly store: Store,
        private readonly known: Map<string, ModelVersion[]>,
    ) {}

    /** The stored versions of `labelers` (the model labelers this caller will list). */
    static async open(store: Store, labelers: readonly string[]): Promise<StoreModelVersions> {
        const known = new Map<string, ModelVersion[]>();
        for (const labeler of new Set(labelers)) {
            known.set(labeler, await store.modelVersions(labeler));
        }
        return new StoreModelVersions(store, known);
    }

    async add(version: ModelVersion): Promise<void> {
        const stored = { ...version, createdAt: version.createdAt || new Date().toISOString() };
        await this.store.addModelVersion(stored);
        const list = this.known.get(version.labeler) ?? [];
        list.push(stored);
        this.known.set(version.labeler, list);
    }

    list(labeler: string): ModelVersion[] {
        return (this.known.get(labeler) ?? []).map((v) => ({ ...v }));
    }
}
