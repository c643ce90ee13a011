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
        private readonly task: string,
        private readonly known: Map<string, ModelVersion[]>,
    ) {}

    /** The stored versions of `labelers` (the model labelers this caller will list). */
    static async open(store: Store, task: string, labelers: readonly string[]): Promise<StoreModelVersions> {
        const known = new Map<string, ModelVersion[]>();
        for (const labeler of new Set(labelers)) {
            const stored = await store.modelVersions(labeler);
            known.set(
                labeler,
                stored.map((v) => ({
                    task,
                    labeler: v.labeler,
                    version: Number(v.version) || 0,
                    path: v.onnxPath,
                    trainingLabels: v.labelsUsed,
                    validationAccuracy: v.validationAccuracy,
                    createdAt: v.createdAt ?? '',
                })),
            );
        }
        return new StoreModelVersions(store, task, known);
    }

    async add(version: ModelVersion): Promise<void> {
        await this.store.addModelVersion({
            labeler: version.labeler,
            version: String(version.version),
            onnxPath: version.path,
            validationAccuracy: version.validationAccuracy,
            labelsUsed: version.trainingLabels,
            createdAt: version.createdAt,
        });
        const list = this.known.get(version.labeler) ?? [];
        list.push({ ...version, task: this.task, createdAt: version.createdAt || new Date().toISOString() });
        this.known.set(version.labeler, list);
    }

    list(labeler: string): ModelVersion[] {
        return (this.known.get(labeler) ?? []).map((v) => ({ ...v }));
    }
}
