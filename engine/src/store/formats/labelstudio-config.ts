/**
 * Label Studio's labeling config (the XML of a project's labeling interface) for a task's output
 * type: one object tag (`<Image name="image">` for image types, `<Text name="text">` otherwise)
 * and one control tag whose `name` is the `from_name` the exported results use.
 */
import type { PlanLabelType } from '../../plan/types.js';
import type { TaskType } from './format.js';

/** The control (`from_name`) and object (`to_name`) names the results of a type use. */
export function controlOf(type: PlanLabelType): { control: string; object: 'image' | 'text' } {
    const element = type.kind === 'list' ? type.element : type;
    const list = type.kind === 'list';
    switch (element.kind) {
        case 'box':
            return { control: list ? 'boxes' : 'box', object: 'image' };
        case 'polygon':
        case 'point':
            return { control: list ? `${element.kind}s` : element.kind, object: 'image' };
        case 'span':
            return { control: list ? 'spans' : 'span', object: 'text' };
        case 'text':
            return { control: 'answer', object: 'text' };
        default:
            return { control: element.kind, object: 'text' };
    }
}

/** Label Studio's control tag for each shape a member labels. */
const LABEL_TAGS = { box: 'RectangleLabels', polygon: 'PolygonLabels', point: 'KeyPointLabels', span: 'Labels' } as const;

const escapeXml = (text: string): string =>
    text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** The labeling config; `textField` is the data key the `<Text>` tag shows. */
export function labelingConfig(type: TaskType, question: string | undefined, textField: string): string {
    const { control, object } = controlOf(type.output);
    const element = type.output.kind === 'list' ? type.output.element : type.output;
    const labels = (tag: string) => type.classes.map((name) => `    <${tag} value="${escapeXml(name)}"/>`).join('\n');
    const objectTag =
        object === 'image' ? `  <Image name="image" value="$image"/>` : `  <Text name="text" value="$${escapeXml(textField)}"/>`;
    const to = `name="${control}" toName="${object}"`;
    let controlTag: string;
    switch (element.kind) {
        case 'choice':
        case 'choices': {
            const choice = element.kind === 'choice' ? 'single' : 'multiple';
            controlTag = `  <Choices ${to} choice="${choice}">\n${labels('Choice')}\n  </Choices>`;
            break;
        }
        case 'bool':
            controlTag = `  <Choices ${to} choice="single">\n    <Choice value="yes"/>\n    <Choice value="no"/>\n  </Choices>`;
            break;
        case 'number': {
            const min = element.min !== null ? ` min="${element.min}"` : '';
            const max = element.max !== null ? ` max="${element.max}"` : '';
            controlTag = `  <Number ${to}${min}${max}/>`;
            break;
        }
        case 'text':
            controlTag = `  <TextArea ${to}/>`;
            break;
        case 'box':
        case 'polygon':
        case 'point':
        case 'span': {
            const tag = LABEL_TAGS[element.kind];
            controlTag = `  <${tag} ${to}>\n${labels('Label')}\n  </${tag}>`;
            break;
        }
        default:
            controlTag = '';
    }
    const header = question ? `  <Header value="${escapeXml(question)}"/>\n` : '';
    return `<View>\n${header}${objectTag}\n${controlTag}\n</View>\n`;
}
