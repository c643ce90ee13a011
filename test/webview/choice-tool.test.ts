// @vitest-environment happy-dom
/** The choice tool: what a person sees (buttons, checked state) and what a hotkey or a click answers. */
import { describe, expect, it, vi } from 'vitest';
import { ChoiceTool } from '../../webview/src/annotate/tools/choice-tool.js';
import { animals, press, textOf } from './helpers.js';

function buttons(tool: ChoiceTool): HTMLButtonElement[] {
    return [...tool.element.querySelectorAll('button')];
}

function checked(tool: ChoiceTool): string[] {
    return buttons(tool)
        .filter((b) => b.getAttribute('aria-checked') === 'true')
        .map((b) => b.dataset.class ?? '');
}

describe('ChoiceTool, one choice', () => {
    it('shows one radio button per member with its hotkey, none checked', () => {
        const tool = new ChoiceTool(animals, false, () => {});
        expect(tool.element.getAttribute('role')).toBe('radiogroup');
        expect(buttons(tool).map(textOf)).toEqual(['C cat', 'D dog', '3 bird']);
        expect(buttons(tool).map((b) => b.getAttribute('role'))).toEqual(['radio', 'radio', 'radio']);
        expect(buttons(tool)[0].title).toBe('a cat');
        expect(buttons(tool)[1].title).toBe('dog');
        expect(checked(tool)).toEqual([]);
        expect(tool.value()).toBeUndefined();
    });

    it('answers and submits once on a hotkey (either case), and marks the button', () => {
        const submit = vi.fn();
        const tool = new ChoiceTool(animals, false, submit);
        const event = new KeyboardEvent('keydown', { key: 'D' });
        expect(tool.key(event)).toBe('handled');
        expect(submit).toHaveBeenCalledTimes(1);
        expect(tool.value()).toBe('dog');
        expect(checked(tool)).toEqual(['dog']);
        expect(buttons(tool)[1].classList.contains('selected')).toBe(true);
        expect(buttons(tool)[0].classList.contains('selected')).toBe(false);
    });

    it('answers on a click, replacing the earlier choice', () => {
        const submit = vi.fn();
        const tool = new ChoiceTool(animals, false, submit);
        buttons(tool)[0].click();
        buttons(tool)[2].click();
        expect(tool.value()).toBe('bird');
        expect(checked(tool)).toEqual(['bird']);
        expect(submit).toHaveBeenCalledTimes(2);
    });

    it('leaves other keys, modified keys and typing to the panel', () => {
        const submit = vi.fn();
        const tool = new ChoiceTool(animals, false, submit);
        expect(tool.key(new KeyboardEvent('keydown', { key: 'x' }))).toBe('ignored');
        expect(tool.key(new KeyboardEvent('keydown', { key: 'c', ctrlKey: true }))).toBe('ignored');
        expect(tool.key(new KeyboardEvent('keydown', { key: 'c', metaKey: true }))).toBe('ignored');
        expect(tool.key(new KeyboardEvent('keydown', { key: 'c', altKey: true }))).toBe('ignored');
        const box = document.createElement('textarea');
        document.body.append(box);
        let result = '';
        box.addEventListener('keydown', (event) => {
            result = tool.key(event);
        });
        press(box, 'c');
        expect(result).toBe('ignored');
        expect(submit).not.toHaveBeenCalled();
        expect(tool.value()).toBeUndefined();
    });

    it('shows an earlier answer without submitting it, and focuses it', () => {
        const submit = vi.fn();
        const tool = new ChoiceTool(animals, false, submit);
        document.body.append(tool.element);
        tool.set('dog');
        expect(checked(tool)).toEqual(['dog']);
        expect(tool.value()).toBe('dog');
        tool.focus();
        expect(document.activeElement).toBe(buttons(tool)[1]);
        tool.set(42);
        expect(tool.value()).toBeUndefined();
        tool.focus();
        expect(document.activeElement).toBe(buttons(tool)[0]);
        expect(submit).not.toHaveBeenCalled();
    });
});

describe('ChoiceTool, several choices', () => {
    it('toggles members without submitting; the answer is the picked set in order of picking', () => {
        const submit = vi.fn();
        const tool = new ChoiceTool(animals, true, submit);
        expect(tool.element.getAttribute('role')).toBe('group');
        expect(tool.element.getAttribute('aria-label')).toBe('Pick all that apply');
        expect(tool.value()).toEqual([]);
        tool.key(new KeyboardEvent('keydown', { key: '3' }));
        tool.key(new KeyboardEvent('keydown', { key: 'c' }));
        expect(tool.value()).toEqual(['bird', 'cat']);
        expect(checked(tool)).toEqual(['cat', 'bird']);
        buttons(tool)[2].click();
        expect(tool.value()).toEqual(['cat']);
        expect(submit).not.toHaveBeenCalled();
    });

    it('shows a stored set, keeping only member names', () => {
        const tool = new ChoiceTool(animals, true, () => {});
        tool.set(['dog', 7, 'cat']);
        expect(tool.value()).toEqual(['dog', 'cat']);
        expect(checked(tool)).toEqual(['cat', 'dog']);
        const copy = tool.value() as string[];
        copy.push('bird');
        expect(tool.value()).toEqual(['dog', 'cat']);
    });
});
