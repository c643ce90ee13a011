/**
 * box, polygon and point on an image (and lists of them), on an SVG layer over the image:
 * draw with the mouse, pick the class by hotkey, select and move shapes, resize boxes by their
 * corner handles, turn the selected box with [ and ] (5° with Shift), delete with Delete, zoom with the wheel, pan with
 * space-drag (or the middle
 * button), Ctrl+0 to fit. Model pre-labels are dashed until accepted (Enter accepts and submits).
 * Coordinates are image pixels from the top-left corner.
 */
import type { ClassView } from '../../protocol.js';
import { h, replaceChildren } from '../../vscode-api.js';
import { classForKey, isTyping, type Tool } from './tool.js';

type Kind = 'box' | 'polygon' | 'point';

interface Shape {
    kind: Kind;
    label: string;
    /** box: [[x, y], [x + w, y + h]]; polygon: vertices; point: [[x, y]] */
    points: Array<[number, number]>;
    /** box: degrees clockwise about its centre (a tilted text line); `[` and `]` turn the selected box. */
    rotation?: number;
    /** From a model or rule, not yet accepted. */
    proposed: boolean;
}

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>): SVGElementTagNameMap[K] {
    const element = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) {
        element.setAttribute(name, String(value));
    }
    return element;
}

export class ImageTool implements Tool {
    readonly element: HTMLElement;
    private readonly viewport: HTMLElement;
    private readonly stage: HTMLElement;
    private readonly image: HTMLImageElement;
    private readonly layer: SVGSVGElement;
    private readonly status: HTMLElement;
    private shapes: Shape[] = [];
    private selected = -1;
    private current: string;
    private draft: Shape | undefined;
    private zoom = 1;
    private pan = { x: 0, y: 0 };
    private spaceHeld = false;
    private drag:
        | { mode: 'draw'; start: [number, number] }
        | { mode: 'move'; last: [number, number] }
        | { mode: 'resize'; corner: number }
        | { mode: 'pan'; last: { x: number; y: number } }
        | undefined;
    private pendingValue: unknown;

    constructor(
        imageUri: string,
        private readonly kind: Kind,
        private readonly classes: readonly ClassView[],
        private readonly multiple: boolean,
    ) {
        this.current = classes[0]?.name ?? '';
        this.image = h('img', { src: imageUri, alt: 'Item image', draggable: 'false' });
        this.layer = svg('svg', { class: 'shapes', role: 'img', 'aria-label': `${kind} annotations` });
        this.stage = h('div', { class: 'stage' }, this.image);
        this.stage.append(this.layer);
        this.viewport = h(
            'div',
            {
                class: 'viewport',
                tabindex: 0,
                'aria-label': `Image: draw ${multiple ? `${kind}es` : `a ${kind}`} with the mouse; label keys pick the class`,
            },
            this.stage,
        );
        this.status = h('p', { class: 'hint', 'aria-live': 'polite' });
        const legend = h(
            'p',
            { class: 'hint' },
            classes.flatMap((c, i) => [
                h('kbd', {}, c.hotkey.toUpperCase()),
                h('span', { class: `swatch class-${i % 8}` }),
                ` ${c.name}  `,
            ]),
            '· wheel zoom · space-drag pan · Del delete · Enter submit',
        );
        this.element = h('div', { class: 'image-tool' }, legend, this.viewport, this.status);
        this.image.addEventListener('load', () => {
            this.layer.setAttribute('viewBox', `0 0 ${this.image.naturalWidth} ${this.image.naturalHeight}`);
            this.layer.setAttribute('width', String(this.image.naturalWidth));
            this.layer.setAttribute('height', String(this.image.naturalHeight));
            this.fit();
            if (this.pendingValue !== undefined) {
                this.set(this.pendingValue);
            }
            this.render();
        });
        this.image.addEventListener(
            'error',
            () => (this.status.textContent = "The image could not be loaded (is its folder among the panel's data folders?)."),
        );
        this.viewport.addEventListener('mousedown', (e) => this.onDown(e));
        window.addEventListener('mousemove', this.onMove);
        window.addEventListener('mouseup', this.onUp);
        this.viewport.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
        this.viewport.addEventListener('dblclick', () => this.closePolygon());
        window.addEventListener('keyup', this.onKeyUp);
    }

    /** Fits the whole image in the viewport. */
    private fit(): void {
        const width = this.viewport.clientWidth || 800;
        const height = this.viewport.clientHeight || 500;
        this.zoom = Math.min(width / (this.image.naturalWidth || 1), height / (this.image.naturalHeight || 1), 4);
        this.pan = { x: (width - this.image.naturalWidth * this.zoom) / 2, y: (height - this.image.naturalHeight * this.zoom) / 2 };
        this.applyTransform();
    }

    private applyTransform(): void {
        this.stage.style.transform = `translate(${this.pan.x}px, ${this.pan.y}px) scale(${this.zoom})`;
    }

    /** Image pixel under the mouse. */
    private toImage(event: MouseEvent): [number, number] {
        const rect = this.viewport.getBoundingClientRect();
        const x = (event.clientX - rect.left - this.pan.x) / this.zoom;
        const y = (event.clientY - rect.top - this.pan.y) / this.zoom;
        const clamp = (v: number, max: number) => Math.round(Math.min(Math.max(v, 0), max) * 10) / 10;
        return [clamp(x, this.image.naturalWidth), clamp(y, this.image.naturalHeight)];
    }

    private onDown(event: MouseEvent): void {
        this.viewport.focus();
        if (event.button === 1 || (event.button === 0 && this.spaceHeld)) {
            this.drag = { mode: 'pan', last: { x: event.clientX, y: event.clientY } };
            event.preventDefault();
            return;
        }
        if (event.button !== 0) {
            return;
        }
        event.preventDefault();
        const target = event.target as Element;
        const handle = target.getAttribute('data-handle');
        const shapeIndex = target.getAttribute('data-shape');
        const p = this.toImage(event);
        if (handle !== null && this.selected >= 0) {
            this.drag = { mode: 'resize', corner: Number(handle) };
            return;
        }
        if (shapeIndex !== null && !this.draft) {
            this.selected = Number(shapeIndex);
            this.drag = { mode: 'move', last: p };
            this.render();
            return;
        }
        this.selected = -1;
        if (this.kind === 'point') {
            this.add({ kind: 'point', label: this.current, points: [p], proposed: false });
        } else if (this.kind === 'polygon') {
            this.draft ??= { kind: 'polygon', label: this.current, points: [], proposed: false };
            this.draft.points.push(p);
        } else {
            this.draft = { kind: 'box', label: this.current, points: [p, p], proposed: false };
            this.drag = { mode: 'draw', start: p };
        }
        this.render();
    }

    private readonly onMove = (event: MouseEvent): void => {
        if (!this.drag) {
            return;
        }
        if (this.drag.mode === 'pan') {
            this.pan.x += event.clientX - this.drag.last.x;
            this.pan.y += event.clientY - this.drag.last.y;
            this.drag.last = { x: event.clientX, y: event.clientY };
            this.applyTransform();
            return;
        }
        let p = this.toImage(event);
        if (this.drag.mode === 'draw' && this.draft) {
            this.draft.points = [this.drag.start, p];
        } else if (this.drag.mode === 'move' && this.selected >= 0) {
            const [dx, dy] = [p[0] - this.drag.last[0], p[1] - this.drag.last[1]];
            this.shapes[this.selected].points = this.shapes[this.selected].points.map(([x, y]) => [x + dx, y + dy]);
            this.drag.last = p;
        } else if (this.drag.mode === 'resize' && this.selected >= 0) {
            const shape = this.shapes[this.selected];
            if (shape.kind === 'box') {
                // A turned box is resized in its own frame: the pointer turned back about the centre.
                if (shape.rotation) {
                    p = turn(p, centre(shape.points), -shape.rotation);
                }
                const [[x1, y1], [x2, y2]] = normalized(shape.points);
                // corners: 0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left
                const c = this.drag.corner;
                shape.points = [
                    [c === 0 || c === 3 ? p[0] : x1, c === 0 || c === 1 ? p[1] : y1],
                    [c === 1 || c === 2 ? p[0] : x2, c === 2 || c === 3 ? p[1] : y2],
                ];
            } else {
                shape.points[this.drag.corner] = p;
            }
        }
        this.render();
    };

    private readonly onUp = (): void => {
        if (this.drag?.mode === 'draw' && this.draft) {
            const [[x1, y1], [x2, y2]] = normalized(this.draft.points);
            // A click without a drag draws nothing.
            if (x2 - x1 >= 2 && y2 - y1 >= 2) {
                this.add({
                    ...this.draft,
                    points: [
                        [x1, y1],
                        [x2, y2],
                    ],
                });
            }
            this.draft = undefined;
        }
        if (this.drag?.mode === 'resize' && this.selected >= 0 && this.shapes[this.selected].kind === 'box') {
            this.shapes[this.selected].points = normalized(this.shapes[this.selected].points);
        }
        this.drag = undefined;
        this.render();
    };

    private readonly onKeyUp = (event: KeyboardEvent): void => {
        if (event.key === ' ') {
            this.spaceHeld = false;
        }
    };

    private onWheel(event: WheelEvent): void {
        event.preventDefault();
        const rect = this.viewport.getBoundingClientRect();
        const [mx, my] = [event.clientX - rect.left, event.clientY - rect.top];
        const factor = Math.exp(-event.deltaY * 0.0015);
        const zoom = Math.min(Math.max(this.zoom * factor, 0.05), 40);
        // Keep the pixel under the mouse where it is.
        this.pan.x = mx - ((mx - this.pan.x) * zoom) / this.zoom;
        this.pan.y = my - ((my - this.pan.y) * zoom) / this.zoom;
        this.zoom = zoom;
        this.applyTransform();
    }

    private add(shape: Shape): void {
        this.shapes = this.multiple ? [...this.shapes, shape] : [shape];
        this.selected = this.shapes.length - 1;
        this.status.textContent = `${shape.kind} ${shape.label} added (${this.shapes.length} in all)`;
    }

    private closePolygon(): void {
        if (this.draft && this.draft.points.length >= 3) {
            this.add(this.draft);
        }
        this.draft = undefined;
        this.render();
    }

    private render(): void {
        const nodes: SVGElement[] = [];
        const stroke = 2 / this.zoom;
        const draw = (shape: Shape, index: number | undefined) => {
            const color = `class-${
                Math.max(
                    0,
                    this.classes.findIndex((c) => c.name === shape.label),
                ) % 8
            }`;
            const cls = `shape ${color}${shape.proposed ? ' proposed' : ''}${index === this.selected ? ' selected' : ''}`;
            const data: Record<string, number> = index === undefined ? {} : { 'data-shape': index };
            if (shape.kind === 'box') {
                const [[x1, y1], [x2, y2]] = normalized(shape.points);
                const turned: Record<string, string> = shape.rotation
                    ? { transform: `rotate(${shape.rotation} ${(x1 + x2) / 2} ${(y1 + y2) / 2})` }
                    : {};
                nodes.push(
                    svg('rect', { class: cls, x: x1, y: y1, width: x2 - x1, height: y2 - y1, 'stroke-width': stroke, ...turned, ...data }),
                );
            } else if (shape.kind === 'polygon') {
                const el = index === undefined ? 'polyline' : 'polygon';
                nodes.push(
                    svg(el, { class: cls, points: shape.points.map((p) => p.join(',')).join(' '), 'stroke-width': stroke, ...data }),
                );
            } else {
                nodes.push(
                    svg('circle', {
                        class: cls,
                        cx: shape.points[0][0],
                        cy: shape.points[0][1],
                        r: 5 / this.zoom,
                        'stroke-width': stroke,
                        ...data,
                    }),
                );
            }
        };
        this.shapes.forEach((s, i) => draw(s, i));
        if (this.draft) {
            draw(this.draft, undefined);
        }
        const selected = this.shapes[this.selected];
        if (selected && selected.kind !== 'point') {
            const upright = selected.kind === 'box' ? boxCorners(selected.points) : selected.points;
            const corners = selected.rotation ? upright.map((c) => turn(c, centre(selected.points), selected.rotation!)) : upright;
            corners.forEach(([x, y], i) =>
                nodes.push(
                    svg('rect', {
                        class: 'handle',
                        x: x - 4 / this.zoom,
                        y: y - 4 / this.zoom,
                        width: 8 / this.zoom,
                        height: 8 / this.zoom,
                        'data-handle': i,
                    }),
                ),
            );
        }
        replaceChildren(this.layer, nodes);
        this.element.dataset.shapes = String(this.shapes.length);
    }

    value(): unknown {
        const values = this.shapes.map((s) => toValue(s));
        if (this.multiple) {
            return values;
        }
        return values.length === 1 ? values[0] : undefined;
    }

    set(value: unknown): void {
        if (!this.image.naturalWidth) {
            this.pendingValue = value;
            return;
        }
        this.pendingValue = undefined;
        const list = Array.isArray(value) ? value : value ? [value] : [];
        this.shapes = list.map((v) => fromValue(this.kind, v)).filter((s): s is Shape => !!s);
        this.selected = -1;
        this.render();
    }

    /** Shows model/rule answers as dashed proposals. */
    propose(value: unknown): void {
        this.set(value);
        if (!this.image.naturalWidth) {
            return;
        }
        for (const s of this.shapes) {
            s.proposed = true;
        }
        this.render();
    }

    key(event: KeyboardEvent): 'submit' | 'handled' | 'ignored' {
        if (isTyping(event)) {
            return 'ignored';
        }
        if (event.key === ' ') {
            this.spaceHeld = true;
            return 'handled';
        }
        if ((event.ctrlKey || event.metaKey) && event.key === '0') {
            this.fit();
            this.render();
            return 'handled';
        }
        if (event.ctrlKey || event.metaKey || event.altKey) {
            return 'ignored';
        }
        if (event.key === 'Escape') {
            this.draft = undefined;
            this.selected = -1;
            this.render();
            return 'handled';
        }
        if ((event.key === 'Delete' || event.key === 'Backspace') && this.selected >= 0) {
            this.shapes.splice(this.selected, 1);
            this.selected = -1;
            this.render();
            return 'handled';
        }
        const step = { '[': -1, ']': 1, '{': -5, '}': 5 }[event.key];
        if (step !== undefined && this.shapes[this.selected]?.kind === 'box') {
            const shape = this.shapes[this.selected];
            shape.rotation = Math.round((((((shape.rotation ?? 0) + step + 180) % 360) + 360) % 360) * 10) / 10 - 180 || undefined;
            this.status.textContent = `box turned to ${shape.rotation ?? 0}°`;
            this.render();
            return 'handled';
        }
        if (event.key === 'Enter') {
            if (this.draft) {
                this.closePolygon();
                return 'handled';
            }
            for (const s of this.shapes) {
                s.proposed = false;
            }
            this.render();
            return 'submit';
        }
        const c = classForKey(this.classes, event.key);
        if (c) {
            this.current = c.name;
            if (this.selected >= 0) {
                this.shapes[this.selected].label = c.name;
            }
            if (this.draft) {
                this.draft.label = c.name;
            }
            this.status.textContent = `class: ${c.name}`;
            this.render();
            return 'handled';
        }
        return 'ignored';
    }

    focus(): void {
        this.viewport.focus();
    }

    dispose(): void {
        window.removeEventListener('mousemove', this.onMove);
        window.removeEventListener('mouseup', this.onUp);
        window.removeEventListener('keyup', this.onKeyUp);
    }
}

function normalized(points: Array<[number, number]>): Array<[number, number]> {
    const [[ax, ay], [bx, by]] = points;
    return [
        [Math.min(ax, bx), Math.min(ay, by)],
        [Math.max(ax, bx), Math.max(ay, by)],
    ];
}

function boxCorners(points: Array<[number, number]>): Array<[number, number]> {
    const [[x1, y1], [x2, y2]] = normalized(points);
    return [
        [x1, y1],
        [x2, y1],
        [x2, y2],
        [x1, y2],
    ];
}

function centre(points: Array<[number, number]>): [number, number] {
    const [[x1, y1], [x2, y2]] = normalized(points);
    return [(x1 + x2) / 2, (y1 + y2) / 2];
}

/** A point turned `degrees` clockwise (on screen) about `about`. */
function turn([x, y]: [number, number], [cx, cy]: [number, number], degrees: number): [number, number] {
    const t = (degrees * Math.PI) / 180;
    return [cx + (x - cx) * Math.cos(t) - (y - cy) * Math.sin(t), cy + (x - cx) * Math.sin(t) + (y - cy) * Math.cos(t)];
}

function toValue(shape: Shape): unknown {
    const r = (n: number) => Math.round(n * 10) / 10;
    if (shape.kind === 'box') {
        const [[x1, y1], [x2, y2]] = normalized(shape.points);
        return {
            x: r(x1),
            y: r(y1),
            width: r(x2 - x1),
            height: r(y2 - y1),
            ...(shape.rotation ? { rotation: shape.rotation } : {}),
            label: shape.label,
        };
    }
    if (shape.kind === 'point') {
        return { x: r(shape.points[0][0]), y: r(shape.points[0][1]), label: shape.label };
    }
    return { points: shape.points.map(([x, y]) => [r(x), r(y)]), label: shape.label };
}

function fromValue(kind: Kind, value: unknown): Shape | undefined {
    const v = value as Record<string, unknown>;
    if (!v || typeof v !== 'object' || typeof v.label !== 'string') {
        return undefined;
    }
    const n = (k: string) => (typeof v[k] === 'number' ? (v[k] as number) : NaN);
    if (kind === 'box' && [n('x'), n('y'), n('width'), n('height')].every(Number.isFinite)) {
        const rotation = Number.isFinite(n('rotation')) && n('rotation') !== 0 ? { rotation: n('rotation') } : {};
        return {
            kind,
            label: v.label,
            points: [
                [n('x'), n('y')],
                [n('x') + n('width'), n('y') + n('height')],
            ],
            proposed: false,
            ...rotation,
        };
    }
    if (kind === 'point' && Number.isFinite(n('x')) && Number.isFinite(n('y'))) {
        return { kind, label: v.label, points: [[n('x'), n('y')]], proposed: false };
    }
    if (kind === 'polygon' && Array.isArray(v.points)) {
        const points = (v.points as unknown[]).filter(
            (p): p is [number, number] => Array.isArray(p) && p.length === 2 && p.every((c) => typeof c === 'number'),
        );
        return points.length >= 3 ? { kind, label: v.label, points, proposed: false } : undefined;
    }
    return undefined;
}
