/** Snippets offered with the keyword that starts each main declaration (LSP snippet syntax). */
export interface Snippet {
    /** The grammar rule whose keyword triggers the snippet (not the same word used elsewhere). */
    readonly rule: string;
    readonly description: string;
    readonly body: string;
}

export const SNIPPETS: Readonly<Record<string, Snippet>> = {
    task: {
        rule: 'Task',
        description: 'a labeling task',
        body: [
            'task ${1:name}(${2:item}: ${3:dataset}) -> choice<${4:Labels}> {',
            '    ask "${5:Question for the labeler?}"',
            '    route cascade ${6:labelers}',
            '    quality {',
            '        target ${7:95}%',
            '    }',
            '}',
        ].join('\n'),
    },
    labels: {
        rule: 'LabelSet',
        description: 'a label set',
        body: ['labels ${1:Name} {', '    ${2:first} "${3:description}" key "${4:1}"', '    ${5:second}', '}'].join('\n'),
    },
    dataset: {
        rule: 'Dataset',
        description: 'a dataset',
        body: [
            'dataset ${1:name} from ${2|jsonl,csv,images|} "${3:data/file.jsonl}" {',
            '    key ${4:id}: String',
            '    ${5:text}: Text',
            '    split by ${4:id} { train 80%, validation 10%, test 10% }',
            '}',
        ].join('\n'),
    },
    flow: {
        rule: 'Flow',
        description: 'a flow of tasks',
        body: ['flow ${1:name}(${2:item}: ${3:dataset}) {', '    let ${4:result} = ${5:task}(${2:item})', '    $0', '}'].join('\n'),
    },
    learn: {
        rule: 'Learn',
        description: 'active learning for a task',
        body: [
            'learn ${1:task} using ${2:model} {',
            '    strategy ${3|margin,least_confidence,entropy,random|}',
            '    batch ${4:50}',
            '    retrain every ${5:100} labels',
            '    stop when accuracy >= ${6:95}% on validation',
            '}',
        ].join('\n'),
    },
    program: {
        rule: 'ProgramHeader',
        description: 'the program header',
        body: ['program ${1:Name} version ${2:1}', '    "${3:What this data program makes.}"'].join('\n'),
    },
    labeler: {
        rule: 'HumanLabeler',
        description: 'a labeler: people',
        body: ['labeler ${1:crowd}: human {', '    cost \\$${2:0.01} per item', '    accuracy ${3:80}%', '}'].join('\n'),
    },
    rules: {
        rule: 'RulesLabeler',
        description: 'rules that vote for a label',
        body: [
            'rules ${1:keywords} on ${2:dataset} -> choice<${3:Labels}> {',
            '    ${4:rule}: ${5:field} contains "${6:text}" => ${7:member}',
            '}',
        ].join('\n'),
    },
    monitor: {
        rule: 'ShiftMonitor',
        description: 'a drift monitor',
        body: [
            'monitor shift of ${1:dataset}.${2:field} {',
            '    metric ${3|psi,ks|}',
            '    warn above ${4:0.1}',
            '    alert above ${5:0.25}',
            '}',
        ].join('\n'),
    },
};
