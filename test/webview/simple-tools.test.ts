// @vitest-environment happy-dom
/** The yes/no, text and number tools: what a key or an input answers, and when the panel submits. */
import { describe, expect, it, vi } from 'vitest';
import { BoolTool, NumberTool, TextTool } from '../../webview/src/annotate/tools/simple-tools.js';
import { textOf } from './helpers.js';

const key = (k: string, init: KeyboardEventInit = {}) => new KeyboardEvent('keydown', { key: k, ...init });

describe('BoolTool', () => {
    it('answers yes or no with a key or a click and submits at once', () => {
        const submit = vi.fn();
        const tool = new BoolTool(false, submit);
        expect(tool.value()).toBeUndefined();
        expect(tool.key(key('Y'))).toBe('handled');
        expect(tool.value()).toBe(true);
        tool.element.querySelector<HTMLButtonElement>('[data-class=false]')!.click();
        expect(tool.value()).toBe(false);
        expect(submit).toHaveBeenCalledTimes(2);
        expect(tool.key(key('y', { ctrlKey: true }))).toBe('ignored');
        expect(tool.key(key('q'))).toBe('ignored');
    });

    it('builds a list of answers shown in order, Backspace taking the last back', () => {
        const submit = vi.fn();
        const tool = new BoolTool(true, submit);
        tool.key(key('y'));
        tool.key(key('n'));
        tool.key(key('Y'));
        expect(tool.value()).toEqual([true, false, true]);
        expect(textOf(tool.element.querySelector('.sequence')!)).toBe('yes, no, yes');
        expect(tool.key(key('Backspace'))).toBe('handled');
        expect(tool.value()).toEqual([true, false]);
        expect(textOf(tool.element.querySelector('.sequence')!)).toBe('yes, no');
        expect(submit).not.toHaveBeenCalled();
        tool.set([false, 'x', true]);
        expect(tool.value()).toEqual([false, true]);
    });
});

describe('TextTool', () => {
    it('answers the text as typed; Ctrl+Enter submits, Enter is a new line', () => {
        const tool = new TextTool(false);
        tool.set('a line');
        expect(tool.value()).toBe('a line');
        expect(tool.element.querySelector('textarea')!.getAttribute('aria-label')).toBe('Answer');
        expect(tool.key(key('Enter', { ctrlKey: true }))).toBe('submit');
        expect(tool.key(key('Enter', { metaKey: true }))).toBe('submit');
        expect(tool.key(key('Enter'))).toBe('ignored');
        tool.set(42);
        expect(tool.value()).toBe('');
    });

    it('answers a list with one trimmed answer per non-empty line', () => {
        const tool = new TextTool(true);
        tool.element.querySelector('textarea')!.value = ' first \n\nsecond\n';
        expect(tool.value()).toEqual(['first', 'second']);
        tool.set(['a', 'b']);
        expect(tool.element.querySelector('textarea')!.value).toBe('a\nb');
    });
});

describe('NumberTool', () => {
    const bounded = { kind: 'number' as const, min: 0, max: 10, text: 'number in [0, 10]' };
    const open = { kind: 'number' as const, min: null, max: null, text: 'number' };

    it('offers a number box and a slider that follow each other for a bounded number', () => {
        const tool = new NumberTool(bounded, false);
        const [box, slider] = [...tool.element.querySelectorAll('input')];
        expect(box.getAttribute('aria-label')).toBe('A number in 0 … 10');
        expect([slider.type, slider.min, slider.max, slider.step]).toEqual(['range', '0', '10', '0.1']);
        slider.value = '7';
        slider.dispatchEvent(new Event('input'));
        expect(tool.value()).toBe(7);
        box.value = '2.5';
        box.dispatchEvent(new Event('input'));
        expect(slider.value).toBe('2.5');
        expect(tool.key(key('Enter'))).toBe('submit');
        expect(tool.key(key('x'))).toBe('ignored');
    });

    it('has no slider without both bounds, and no answer while the box is empty', () => {
        const tool = new NumberTool(open, false);
        expect(tool.element.querySelectorAll('input')).toHaveLength(1);
        expect(tool.element.querySelector('input')!.getAttribute('aria-label')).toBe('A number in −∞ … ∞');
        expect(tool.value()).toBeUndefined();
        tool.set(3);
        expect(tool.value()).toBe(3);
        tool.set('3');
        expect(tool.value()).toBeUndefined();
    });

    it('answers a list from comma-separated numbers, and nothing while one is not a number', () => {
        const tool = new NumberTool(bounded, true);
        const box = tool.element.querySelector('input')!;
        box.value = '1, 2.5 ,, 3';
        expect(tool.value()).toEqual([1, 2.5, 3]);
        box.value = '1, two';
        expect(tool.value()).toBeUndefined();
        tool.set([4, 5]);
        expect(box.value).toBe('4, 5');
    });

    it('leaves Enter to another text box being typed in', () => {
        const tool = new NumberTool(open, false);
        const other = document.createElement('textarea');
        document.body.append(other, tool.element);
        let result = '';
        other.addEventListener('keydown', (event) => {
            result = tool.key(event);
        });
        other.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
        expect(result).toBe('ignored');
        const mine = tool.element.querySelector('input')!;
        mine.addEventListener('keydown', (event) => {
            result = tool.key(event);
        });
        mine.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
        expect(result).toBe('submit');
    });
});
