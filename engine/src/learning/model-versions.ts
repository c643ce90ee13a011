/**
 * Every model version a learning loop produced, with the labels it was trained on and its
 * validation accuracy: together they are the learning curve. A version is the label store's
 * ModelVersion record (one type, whether kept in the store's model_versions table or, for runs
 * without a store, in InMemoryModelVersions). Version 0 is the model the program started with;
 * retrains count up from 1 (the record keeps the number as text).
 */
import type { ModelVersion } from '../store/types.js';

export type { ModelVersion };

/** The version number of a record this learning loop wrote ('3' → 3); anything else counts as 0. */
export function versionNumber(version: ModelVersion): number {
    return Number(version.version) || 0;
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
