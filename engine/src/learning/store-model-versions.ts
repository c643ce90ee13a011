/** Model versions kept in the label store's model_versions table (the learning curve survives the process). */
import type { LabelStore } from '../store/index.js';
import type { ModelVersion, ModelVersionStore } from './model-versions.js';

export class StoreModelVersions implements ModelVersionStore {
    constructor(
        private readonly store: LabelStore,
        private readonly task: string,
    ) {}

    async add(version: ModelVersion): Promise<void> {
        await this.store.addModelVersion({
            labeler: version.labeler,
            version: String(version.version),
            onnxPath: version.path,
            validationAccuracy: version.validationAccuracy,
            labelsUsed: version.trainingLabels,
            createdAt: version.createdAt,
        });
    }

    list(labeler: string): ModelVersion[] {
        return this.store.modelVersions(labeler).map((v) => ({
            task: this.task,
            labeler: v.labeler,
            version: Number(v.version) || 0,
            path: v.onnxPath,
            trainingLabels: v.labelsUsed,
            validationAccuracy: v.validationAccuracy,
            createdAt: v.createdAt ?? '',
        }));
    }
}
