// @vitest-environment happy-dom
/** The span tool: select a passage, press a member's hotkey; the marks and the list show what was marked. */
import { afterEach, describe, expect, it } from 'vitest';
import { SpanTool } from '../../webview/src/annotate/tools/span-tool.js';
import { animals, textOf } from './helpers.js';

const text = 'the cat sat with the dog';

function mount(multiple: boolean): SpanTool {
    const tool = new SpanTool(text, animals, multiple);
    document.body.replaceChildren(tool.element);
    return tool;
}

/** Selects characters [start, end) of the tool's text, as a mouse drag would. */
function select(tool: SpanTool, start: number, end: number): void {
    const view = tool.element.querySelector('pre')!;
    const walker = document.createTreeWalker(view, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let seen = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const length = node.textContent!.length;
        if (start >= seen && start <= seen + length) {
            range.setStart(node, start - seen);
        }
        if (end >= seen && end <= seen + length) {
            range.setEnd(node, end - seen);
            break;
        }
        seen += length;
    }
    document.getSelection()!.removeAllRanges();
    document.getSelection()!.addRange(range);
}

const key = (k: string, init: KeyboardEventInit = {}) => new KeyboardEvent('keydown', { key: k, ...init });

function marks(tool: SpanTool): Array<[string, string]> {
    return [...tool.element.querySelectorAll('mark')].map((m) => [m.textContent ?? '', m.title]);
}

function listed(tool: SpanTool): string[] {
    return [...tool.element.querySelectorAll('.span-list li')].map(textOf);
}

afterEach(() => document.getSelection()?.removeAllRanges());

describe('SpanTool', () => {
    it('shows the text, a legend of hotkeys and no spans at first', () => {
        const tool = mount(false);
        expect(textOf(tool.element.querySelector('pre')!)).toBe(text);
        expect(textOf(tool.element.querySelector('.hint')!)).toBe('Select text, then press: C cat D dog 3 bird · Enter submits');
        expect(marks(tool)).toEqual([]);
        expect(tool.value()).toBeUndefined();
    });

    it('marks the selected passage with the pressed member, in the text and the list', () => {
        const tool = mount(false);
        select(tool, 4, 7);
        expect(tool.key(key('c'))).toBe('handled');
        expect(tool.value()).toEqual({ start: 4, end: 7, text: 'cat', label: 'cat' });
        expect(marks(tool)).toEqual([['cat', 'cat']]);
        expect(textOf(tool.element.querySelector('pre')!)).toBe(text);
        expect(listed(tool)).toEqual(['cat “cat” [4, 7) ×']);
        expect(document.getSelection()!.isCollapsed || document.getSelection()!.rangeCount === 0).toBe(true);
    });

    it('keeps one span for a single span task: a new mark replaces the old', () => {
        const tool = mount(false);
        select(tool, 4, 7);
        tool.key(key('c'));
        select(tool, 21, 24);
        tool.key(key('d'));
        expect(tool.value()).toEqual({ start: 21, end: 24, text: 'dog', label: 'dog' });
        expect(marks(tool)).toEqual([['dog', 'dog']]);
    });

    it('collects spans for a list task, and the × button removes one', () => {
        const tool = mount(true);
        expect(tool.value()).toEqual([]);
        select(tool, 4, 7);
        tool.key(key('c'));
        select(tool, 21, 24);
        tool.key(key('d'));
        expect(tool.value()).toEqual([
            { start: 4, end: 7, text: 'cat', label: 'cat' },
            { start: 21, end: 24, text: 'dog', label: 'dog' },
        ]);
        expect(listed(tool)).toEqual(['cat “cat” [4, 7) ×', 'dog “dog” [21, 24) ×']);
        const remove = tool.element.querySelector<HTMLButtonElement>('[aria-label="Remove span 1"]')!;
        remove.click();
        expect(tool.value()).toEqual([{ start: 21, end: 24, text: 'dog', label: 'dog' }]);
        expect(marks(tool)).toEqual([['dog', 'dog']]);
    });

    it('paints an overlap with the later span', () => {
        const tool = mount(true);
        tool.set([
            { start: 0, end: 7, text: 'the cat', label: 'cat' },
            { start: 4, end: 11, text: 'cat sat', label: 'dog' },
        ]);
        expect(marks(tool)).toEqual([
            ['the ', 'cat'],
            ['cat', 'dog'],
            [' sat', 'dog'],
        ]);
    });

    it('consumes a hotkey with nothing selected, and ignores other keys, modifiers and typing', () => {
        const tool = mount(false);
        expect(tool.key(key('c'))).toBe('handled');
        expect(tool.value()).toBeUndefined();
        select(tool, 4, 7);
        expect(tool.key(key('x'))).toBe('ignored');
        expect(tool.key(key('c', { ctrlKey: true }))).toBe('ignored');
        expect(tool.key(key('c', { metaKey: true }))).toBe('ignored');
        expect(tool.value()).toBeUndefined();
    });

    it('ignores a selection outside its text', () => {
        const tool = mount(false);
        const outside = document.createElement('p');
        outside.textContent = 'elsewhere';
        document.body.append(outside);
        const range = document.createRange();
        range.setStart(outside.firstChild!, 0);
        range.setEnd(outside.firstChild!, 4);
        document.getSelection()!.addRange(range);
        expect(tool.key(key('c'))).toBe('handled');
        expect(tool.value()).toBeUndefined();
    });

    it('shows stored spans, dropping malformed ones and those past the end of the text', () => {
        const tool = mount(true);
        tool.set([
            { start: 4, end: 7, text: 'cat', label: 'cat' },
            { start: 4, end: 99, text: 'cat', label: 'cat' },
            { start: 'x', end: 7, text: 'cat', label: 'cat' },
            null,
        ]);
        expect(tool.value()).toEqual([{ start: 4, end: 7, text: 'cat', label: 'cat' }]);
        const single = mount(false);
        single.set({ start: 21, end: 24, text: 'dog', label: 'dog' });
        expect(single.value()).toEqual({ start: 21, end: 24, text: 'dog', label: 'dog' });
        single.set(undefined);
        expect(single.value()).toBeUndefined();
    });

    it('takes the focus on its text', () => {
        const tool = mount(false);
        tool.focus();
        expect(document.activeElement).toBe(tool.element.querySelector('pre'));
    });
});
