/**
 * Every model version a learning loop produced, with the labels it was trained on and its
 * validation accuracy: together they are the learning curve. This interface is what the label
 * store's model_versions table implements; InMemoryModelVersions serves runs without a store.
 */
export interface ModelVersion {
    task: string;
    /** The model labeler being improved (`learn T using M`). */
    labeler: string;
    /** 0 is the model the program started with; retrains count up from 1. */
    version: number;
    /** The ONNX file of this version. */
    path: string;
    /** How many human or aggregated labels it was trained on (0 for the initial model). */
    trainingLabels: number;
    /** Accuracy on the validation bucket, when it could be measured. */
    validationAccuracy?: number;
    createdAt: string;
}

export interface ModelVersionStore {
    add(version: ModelVersion): Promise<void> | void;
    /** Versions of one model labeler, oldest first. */
    list(labeler: string): ModelVersion[];
}

export class InMemoryModelVersions implements ModelVersionStore {
    private readonly versions: ModelVersion[] = [];

    add(version: ModelVersion): void {
        this.versions.push({ ...version });
    }

    list(labeler: string): ModelVersion[] {
        return this.versions.filter((v) => v.labeler === labeler).map((v) => ({ ...v }));
    }
}
