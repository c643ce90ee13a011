/** The tool for a task's output type: one per labeling primitive, lists by the same tool in multi mode. */
import type { QueueItemView, TaskView } from '../protocol.js';
import { elementType } from '../label-types.js';
import { ChoiceTool } from './tools/choice-tool.js';
import { ImageTool } from './tools/image-tool.js';
import { BoolTool, NumberTool, TextTool } from './tools/simple-tools.js';
import { SpanTool } from './tools/span-tool.js';
import type { SubmitNow, Tool } from './tools/tool.js';

export function createTool(task: TaskView, item: QueueItemView, submit: SubmitNow): Tool | string {
    const list = task.output.kind === 'list';
    const base = elementType(task.output);
    switch (base.kind) {
        case 'choice':
            // A program change may ask among some members only (a review, a split member re-asked).
            return new ChoiceTool(
                item.relabel && !list ? task.classes.filter((c) => item.relabel!.among.includes(c.name)) : task.classes,
                list,
                submit,
            );
        case 'choices':
            return new ChoiceTool(task.classes, true, submit);
        case 'bool':
            return new BoolTool(list, submit);
        case 'text':
            return new TextTool(list);
        case 'number':
            return new NumberTool(base, list);
        case 'span': {
            const field = task.show.find((f) => f.type === 'Text' || f.type === 'String')?.name ?? Object.keys(item.fields)[0];
            const text = field !== undefined ? String(item.fields[field] ?? '') : '';
            return new SpanTool(text, task.classes, list);
        }
        case 'box':
        case 'polygon':
        case 'point':
            if (!item.imageUri) {
                return `This ${base.kind} task needs an image, but item ${item.key} has none.`;
            }
            return new ImageTool(item.imageUri, base.kind, task.classes, list);
    }
}
