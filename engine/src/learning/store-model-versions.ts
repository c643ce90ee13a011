/** Model versions kept in the label store's model_versions table (the learning curve survives the process). */
import type { LabelStore } from '../store/index.js';
import type { ModelVersion, ModelVersionStore } from './model-versions.js';

export class StoreModelVersions implements ModelVersionStore {
    constructor(private readonly store: LabelStore) {}

    async add(version: ModelVersion): Promise<void> {
        await this.store.addModelVersion(version);
    }

    list(labeler: string): ModelVersion[] {
        return this.store.modelVersions(labeler);
    }
}
