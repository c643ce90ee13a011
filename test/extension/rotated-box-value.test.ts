import { describe, expect, it } from 'vitest';
import type { PlanLabelType } from '../../engine/src/plan/types.js';
import { labelValueSchema } from '../../webview/src/protocol.js';

describe('box values from the webview', () => {
    const schema = labelValueSchema({ kind: 'box', labelSet: 'Region', text: 'box<Region>' } as PlanLabelType, ['line']);

    it('accept a rotation in degrees about the centre, as text detection and the box tool give', () => {
        expect(schema.safeParse({ x: 10, y: 20, width: 300, height: 40, rotation: -6.5, label: 'line' }).success).toBe(true);
        expect(schema.safeParse({ x: 10, y: 20, width: 300, height: 40, label: 'line' }).success).toBe(true);
    });

    it('refuse a rotation out of [-180, 180] or not a number, and unknown keys', () => {
        expect(schema.safeParse({ x: 10, y: 20, width: 300, height: 40, rotation: 400, label: 'line' }).success).toBe(false);
        expect(schema.safeParse({ x: 10, y: 20, width: 300, height: 40, rotation: '5', label: 'line' }).success).toBe(false);
        expect(schema.safeParse({ x: 10, y: 20, width: 300, height: 40, angle: 5, label: 'line' }).success).toBe(false);
    });
});
