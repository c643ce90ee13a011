// @vitest-environment happy-dom
/**
 * The image tool (box, polygon, point): what the mouse and keys do to the shapes, as the person sees
 * them (SVG shapes, handles, status line) and as the answer that would be submitted. The image is
 * 800×500 so that, fitted into the default 800×500 viewport, a screen pixel is an image pixel.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ImageTool } from '../../webview/src/annotate/tools/image-tool.js';
import { animals, textOf } from './helpers.js';

let tools: ImageTool[] = [];
afterEach(() => {
    for (const tool of tools) {
        tool.dispose();
    }
    tools = [];
    document.body.replaceChildren();
});

/** A tool whose image has "loaded" at 800×500 (happy-dom fetches no images). */
function mount(kind: 'box' | 'polygon' | 'point', multiple = false, load = true): ImageTool {
    const tool = new ImageTool('file:///img.png', kind, animals, multiple);
    tools.push(tool);
    document.body.append(tool.element);
    if (load) {
        loadImage(tool);
    }
    return tool;
}

function loadImage(tool: ImageTool): void {
    const image = tool.element.querySelector('img')!;
    Object.defineProperty(image, 'naturalWidth', { value: 800 });
    Object.defineProperty(image, 'naturalHeight', { value: 500 });
    image.dispatchEvent(new Event('load'));
}

const viewport = (tool: ImageTool) => tool.element.querySelector<HTMLElement>('.viewport')!;
const shapes = (tool: ImageTool) => [...tool.element.querySelectorAll('svg [data-shape]')];
const handles = (tool: ImageTool) => [...tool.element.querySelectorAll('svg .handle')];
const status = (tool: ImageTool) => textOf(tool.element.querySelectorAll('.hint')[1]);

function mouse(type: string, target: EventTarget, x: number, y: number, button = 0): void {
    target.dispatchEvent(new MouseEvent(type, { clientX: x, clientY: y, button, bubbles: true, cancelable: true }));
}

/** Press at (x1, y1) on `target` (the viewport unless a shape or handle), drag to (x2, y2), release. */
function drag(tool: ImageTool, from: [number, number], to: [number, number], target: Element = viewport(tool), button = 0): void {
    mouse('mousedown', target, from[0], from[1], button);
    mouse('mousemove', window, to[0], to[1], button);
    mouse('mouseup', window, to[0], to[1], button);
}

const key = (tool: ImageTool, k: string, init: KeyboardEventInit = {}) => tool.key(new KeyboardEvent('keydown', { key: k, ...init }));

describe('ImageTool, boxes', () => {
    it('draws a box by dragging, with the current class, from any corner', () => {
        const tool = mount('box');
        drag(tool, [300, 200], [100, 50]);
        expect(tool.value()).toEqual({ x: 100, y: 50, width: 200, height: 150, label: 'cat' });
        const [rect] = shapes(tool);
        expect(rect.tagName.toLowerCase()).toBe('rect');
        expect(rect.getAttribute('class')).toBe('shape class-0 selected');
        expect(handles(tool)).toHaveLength(4);
        expect(status(tool)).toBe('box cat added (1 in all)');
        expect(tool.element.dataset.shapes).toBe('1');
    });

    it('draws nothing on a click or a drag under 2 pixels', () => {
        const tool = mount('box');
        drag(tool, [100, 100], [100, 100]);
        drag(tool, [100, 100], [101, 150]);
        expect(tool.value()).toBeUndefined();
        expect(shapes(tool)).toHaveLength(0);
    });

    it('picks the class by hotkey for the next box and relabels the selected one', () => {
        const tool = mount('box', true);
        expect(key(tool, 'd')).toBe('handled');
        expect(status(tool)).toBe('class: dog');
        drag(tool, [10, 10], [60, 60]);
        drag(tool, [100, 100], [200, 200]);
        expect(key(tool, '3')).toBe('handled');
        expect((tool.value() as Array<{ label: string }>).map((b) => b.label)).toEqual(['dog', 'bird']);
        expect(shapes(tool)[1].getAttribute('class')).toBe('shape class-2 selected');
    });

    it('keeps one box for a single box task and collects boxes for a list', () => {
        const single = mount('box');
        drag(single, [10, 10], [60, 60]);
        drag(single, [100, 100], [200, 200]);
        expect(single.value()).toEqual({ x: 100, y: 100, width: 100, height: 100, label: 'cat' });
        const list = mount('box', true);
        expect(list.value()).toEqual([]);
        drag(list, [10, 10], [60, 60]);
        drag(list, [100, 100], [200, 200]);
        expect(list.value()).toHaveLength(2);
        expect(status(list)).toBe('box cat added (2 in all)');
    });

    it('moves a box dragged by its body', () => {
        const tool = mount('box');
        drag(tool, [100, 100], [200, 150]);
        key(tool, 'Escape');
        expect(handles(tool)).toHaveLength(0);
        drag(tool, [150, 120], [180, 100], shapes(tool)[0]);
        expect(tool.value()).toEqual({ x: 130, y: 80, width: 100, height: 50, label: 'cat' });
        expect(handles(tool)).toHaveLength(4);
    });

    it('resizes a box by a corner handle, normalizing a corner dragged past the opposite one', () => {
        const tool = mount('box');
        drag(tool, [100, 100], [200, 150]);
        // handles: 0 top-left, 1 top-right, 2 bottom-right, 3 bottom-left
        drag(tool, [200, 150], [250, 300], handles(tool)[2]);
        expect(tool.value()).toEqual({ x: 100, y: 100, width: 150, height: 200, label: 'cat' });
        drag(tool, [100, 100], [300, 50], handles(tool)[0]);
        expect(tool.value()).toEqual({ x: 250, y: 50, width: 50, height: 250, label: 'cat' });
    });

    it('turns the selected box with [ ] (1°) and { } (5°), wrapping at ±180, and shows the turn', () => {
        const tool = mount('box');
        drag(tool, [100, 100], [200, 200]);
        expect(key(tool, ']')).toBe('handled');
        expect(status(tool)).toBe('box turned to 1°');
        key(tool, '}');
        expect(tool.value()).toMatchObject({ rotation: 6 });
        expect(shapes(tool)[0].getAttribute('transform')).toBe('rotate(6 150 150)');
        key(tool, '{');
        key(tool, '[');
        expect(tool.value()).toEqual({ x: 100, y: 100, width: 100, height: 100, label: 'cat' });
        expect(status(tool)).toBe('box turned to 0°');
        key(tool, '[');
        expect(tool.value()).toMatchObject({ rotation: -1 });
        tool.set({ x: 0, y: 0, width: 10, height: 10, rotation: 178, label: 'cat' });
        drag(tool, [5, 5], [5, 5], shapes(tool)[0]);
        key(tool, '}');
        expect(tool.value()).toMatchObject({ rotation: -177 });
    });

    it('resizes a turned box in its own frame', () => {
        const tool = mount('box');
        tool.set({ x: 100, y: 100, width: 100, height: 100, rotation: 90, label: 'cat' });
        drag(tool, [150, 150], [150, 150], shapes(tool)[0]);
        // Turned 90° clockwise about (150, 150), the box's own bottom-right corner is on screen at (100, 200).
        const corner = handles(tool)[2];
        expect(Number(corner.getAttribute('x')) + 4).toBeCloseTo(100);
        expect(Number(corner.getAttribute('y')) + 4).toBeCloseTo(200);
        drag(tool, [100, 200], [50, 200], corner);
        const box = tool.value() as { x: number; y: number; width: number; height: number; rotation: number };
        expect(box.rotation).toBe(90);
        expect(box.width).toBeCloseTo(100);
        expect(box.height).toBeCloseTo(150);
    });

    it('deletes the selected box with Delete or Backspace, and leaves keys alone with nothing selected', () => {
        const tool = mount('box', true);
        drag(tool, [10, 10], [60, 60]);
        drag(tool, [100, 100], [200, 200]);
        expect(key(tool, 'Delete')).toBe('handled');
        expect(tool.value()).toEqual([{ x: 10, y: 10, width: 50, height: 50, label: 'cat' }]);
        expect(key(tool, 'Backspace')).toBe('ignored');
        drag(tool, [20, 20], [20, 20], shapes(tool)[0]);
        expect(key(tool, 'Backspace')).toBe('handled');
        expect(tool.value()).toEqual([]);
        expect(tool.element.dataset.shapes).toBe('0');
    });

    it('shows model answers dashed until Enter accepts them (and asks the panel to submit)', () => {
        const tool = mount('box');
        tool.propose({ x: 1, y: 2, width: 30, height: 40, label: 'dog' });
        expect(shapes(tool)[0].getAttribute('class')).toBe('shape class-1 proposed');
        expect(key(tool, 'Enter')).toBe('submit');
        expect(shapes(tool)[0].getAttribute('class')).toBe('shape class-1');
        expect(tool.value()).toEqual({ x: 1, y: 2, width: 30, height: 40, label: 'dog' });
    });

    it('keeps an answer set before the image loaded, and shows it once it has', () => {
        const tool = mount('box', false, false);
        tool.set({ x: 5, y: 5, width: 10, height: 10, label: 'bird' });
        expect(shapes(tool)).toHaveLength(0);
        loadImage(tool);
        expect(tool.value()).toEqual({ x: 5, y: 5, width: 10, height: 10, label: 'bird' });
        expect(tool.element.querySelector('svg')!.getAttribute('viewBox')).toBe('0 0 800 500');
    });

    it('says so when the image cannot be loaded', () => {
        const tool = mount('box', false, false);
        tool.element.querySelector('img')!.dispatchEvent(new Event('error'));
        expect(status(tool)).toContain('The image could not be loaded');
    });

    it('drops stored values that are not boxes', () => {
        const tool = mount('box', true);
        tool.set([{ x: 1, y: 1, width: 5, height: 5, label: 'cat' }, { x: 1, label: 'cat' }, { x: 1, y: 1, width: 5, height: 5 }, 7]);
        expect(tool.value()).toEqual([{ x: 1, y: 1, width: 5, height: 5, label: 'cat' }]);
    });
});

describe('ImageTool, points and polygons', () => {
    it('adds a point per click', () => {
        const tool = mount('point', true);
        mouse('mousedown', viewport(tool), 40, 30);
        mouse('mouseup', window, 40, 30);
        key(tool, 'Escape');
        key(tool, 'd');
        mouse('mousedown', viewport(tool), 900, -5);
        mouse('mouseup', window, 900, -5);
        // A click outside the image is clamped to its edge.
        expect(tool.value()).toEqual([
            { x: 40, y: 30, label: 'cat' },
            { x: 800, y: 0, label: 'dog' },
        ]);
        expect(handles(tool)).toHaveLength(0);
    });

    it('builds a polygon click by click, closed by Enter or a double click (three vertices at least)', () => {
        const tool = mount('polygon');
        for (const [x, y] of [
            [10, 10],
            [100, 10],
        ]) {
            mouse('mousedown', viewport(tool), x, y);
            mouse('mouseup', window, x, y);
        }
        expect(tool.element.querySelector('svg polyline')).not.toBeNull();
        viewport(tool).dispatchEvent(new MouseEvent('dblclick', { bubbles: true }));
        expect(tool.value()).toBeUndefined();
        for (const [x, y] of [
            [10, 10],
            [100, 10],
            [50, 80],
        ]) {
            mouse('mousedown', viewport(tool), x, y);
            mouse('mouseup', window, x, y);
        }
        expect(key(tool, 'Enter')).toBe('handled');
        expect(tool.value()).toEqual({
            points: [
                [10, 10],
                [100, 10],
                [50, 80],
            ],
            label: 'cat',
        });
        expect(handles(tool)).toHaveLength(3);
        expect(key(tool, 'Enter')).toBe('submit');
    });

    it('drops a half-drawn polygon on Escape', () => {
        const tool = mount('polygon');
        mouse('mousedown', viewport(tool), 10, 10);
        expect(key(tool, 'Escape')).toBe('handled');
        expect(tool.element.querySelector('svg polyline')).toBeNull();
    });
});

describe('ImageTool, view and keys', () => {
    const stage = (tool: ImageTool) => tool.element.querySelector<HTMLElement>('.stage')!.style.transform;

    it('zooms with the wheel about the mouse, and Ctrl+0 fits the image again', () => {
        const tool = mount('box');
        expect(stage(tool)).toBe('translate(0px, 0px) scale(1)');
        // happy-dom's WheelEvent has no mouse position: give it one.
        const wheel = new WheelEvent('wheel', { deltaY: -462, cancelable: true });
        Object.defineProperties(wheel, { clientX: { value: 100 }, clientY: { value: 100 } });
        viewport(tool).dispatchEvent(wheel);
        expect(wheel.defaultPrevented).toBe(true);
        const zoom = Math.exp(462 * 0.0015);
        expect(stage(tool)).toBe(`translate(${100 - 100 * zoom}px, ${100 - 100 * zoom}px) scale(${zoom})`);
        expect(key(tool, '0', { ctrlKey: true })).toBe('handled');
        expect(stage(tool)).toBe('translate(0px, 0px) scale(1)');
    });

    it('pans with space held or the middle button, without drawing', () => {
        const tool = mount('box');
        expect(key(tool, ' ')).toBe('handled');
        drag(tool, [100, 100], [130, 90]);
        expect(stage(tool)).toBe('translate(30px, -10px) scale(1)');
        window.dispatchEvent(new KeyboardEvent('keyup', { key: ' ' }));
        drag(tool, [0, 0], [10, 10], viewport(tool), 1);
        expect(stage(tool)).toBe('translate(40px, 0px) scale(1)');
        expect(tool.value()).toBeUndefined();
        // After the pan, a drag draws in image pixels under the mouse.
        drag(tool, [140, 100], [240, 200]);
        expect(tool.value()).toEqual({ x: 100, y: 100, width: 100, height: 100, label: 'cat' });
    });

    it('leaves modified keys, unknown keys and typing to the panel', () => {
        const tool = mount('box');
        expect(key(tool, 'c', { ctrlKey: true })).toBe('ignored');
        expect(key(tool, 'c', { altKey: true })).toBe('ignored');
        expect(key(tool, 'q')).toBe('ignored');
        const input = document.createElement('input');
        document.body.append(input);
        let result = '';
        input.addEventListener('keydown', (event) => {
            result = tool.key(event);
        });
        input.dispatchEvent(new KeyboardEvent('keydown', { key: 'd', bubbles: true }));
        expect(result).toBe('ignored');
    });

    it('stops following the mouse once disposed', () => {
        const tool = mount('box');
        mouse('mousedown', viewport(tool), 10, 10);
        tool.dispose();
        mouse('mousemove', window, 100, 100);
        mouse('mouseup', window, 100, 100);
        expect(tool.value()).toBeUndefined();
    });

    it('takes the focus on its image', () => {
        const tool = mount('box');
        tool.focus();
        expect(document.activeElement).toBe(viewport(tool));
    });
});
