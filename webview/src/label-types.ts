/** Small facts about label types that the webview needs (kept apart from the zod schemas so the webview bundle stays small). */
import type { PlanLabelType } from '../../engine/src/plan/types.js';

/** Whether a label type is drawn on an image (box, polygon, point, or a list of them). */
export function isImageType(type: PlanLabelType): boolean {
    const base = elementType(type);
    return base.kind === 'box' || base.kind === 'polygon' || base.kind === 'point';
}

/** The primitive under `list<…>` (the type itself when it is not a list). */
export function elementType(type: PlanLabelType): Exclude<PlanLabelType, { kind: 'list' }> {
    return type.kind === 'list' ? elementType(type.element) : type;
}
