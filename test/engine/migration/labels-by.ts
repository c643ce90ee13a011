/** Labels one person gave, by item (the stored labels a migration test starts from). */
import type { NewLabel } from '../../../engine/src/store/index.js';

export function labelsBy(person: string, task: string, values: Record<string, string>): NewLabel[] {
    return Object.entries(values).map(([item, value]) => ({
        id: `v1-${item}`,
        task,
        item,
        labeler: person,
        labelerKind: 'human' as const,
        value,
    }));
}
