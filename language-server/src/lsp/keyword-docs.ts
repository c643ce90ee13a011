/** What the words of the language mean, shown when hovering them (language.md, in short). */
export const KEYWORD_DOCS: Readonly<Record<string, string>> = {
    cascade:
        '`route cascade A, B, …`: try labelers in order, stopping for an item as soon as its aggregated posterior reaches the ' +
        'quality target.',
    best: '`route best A, B, …`: for each item, pick the eligible labeler with the best expected accuracy per unit cost.',
    majority:
        'Majority vote of the answers; a tie stays a tie (no label, the tied classes listed), it is never broken silently. For ' +
        '`choice`, `choices` and `bool`.',
    dawid_skene:
        'Dawid-Skene: EM over a confusion matrix per labeler; weighs each answer by how reliable its labeler has been. For ' +
        '`choice`, `choices` and `bool`.',
    one_coin: 'One-coin Dawid-Skene: one accuracy per labeler instead of a full confusion matrix. For `choice`, `choices` and `bool`.',
    wawa:
        "Wawa (worker agreement with aggregate): majority vote, then a vote weighted by each labeler's agreement with it. For " +
        '`choice`, `choices` and `bool`.',
    mace:
        'MACE (multi-annotator competence estimation): each labeler either knows the answer or guesses by a habit of their own; ' +
        'finds spammers. For `choice`, `choices` and `bool`.',
    box_consensus: 'Box consensus: matches boxes across labelers by overlap and averages them. Only for `box<L>` and `list<box<L>>`.',
    least_confidence: 'Active learning: label the items whose most likely class has the lowest probability.',
    margin: 'Active learning: label the items with the smallest gap between the two most likely classes.',
    entropy: 'Active learning: label the items whose predicted distribution has the highest entropy.',
    random: 'Sample items uniformly at random (the baseline active learning is measured against).',
    psi:
        'Population stability index between the training reference and current data; above 0.1 is a shift worth a look, above ' +
        '0.25 a large one.',
    ks: 'Kolmogorov-Smirnov statistic between the training reference and current data.',
    hashed: '`as hashed N`: a hashed bag of words, text → float32[N], L2-normalized.',
    resize: '`resize W x H`: the image resized to W × H pixels before it reaches the model.',
    choice: '`choice<L>`: one member of label set `L` (radio buttons, hotkeys).',
    choices: '`choices<L>`: a set of members of `L` (multi-label, checkboxes).',
    box: '`box<L>`: an axis-aligned box on an image, with a member of `L`. Members: `.label`, `.score`.',
    polygon: '`polygon<L>`: a polygon on an image, with a member of `L`. Members: `.label`, `.score`.',
    point: '`point<L>`: a keypoint on an image, with a member of `L`. Members: `.label`, `.score`.',
    span: '`span<L>`: a character range of a text, with a member of `L`. Members: `.label`, `.text`, `.score`.',
    list: '`list<T>`: zero or more labels of type `T`.',
    human: 'A person or a pool of interchangeable people: `skills`, `cost $X per item`, `accuracy P%`, `pool N`.',
    model:
        'An ONNX model run locally: its `input` (a field and a featurizer) and its `output` label type. Its signature is ' +
        'checked when the file exists.',
    rules: "Weak supervision: named rules over one dataset's fields; each votes for one member or abstains.",
    gold: "`gold P%`: the share of human work that is known-answer questions, used to estimate each labeler's accuracy.",
    target: "`target P%`: each item's posterior accuracy must reach this before its label is final.",
    split:
        '`split by FIELD { … }`: a deterministic split by hashing the field; an item never changes bucket as the data grows. ' +
        'Shares must sum to 100%.',
    key: 'The field that identifies an item, unique and stable (or, on a label member, its hotkey).',
    diversity: '`diversity P%`: the share of each batch chosen for coverage (k-center) rather than uncertainty.',
    learn:
        '`learn TASK using MODEL`: active learning; only `train`-bucket items are sampled, and the model is retrained from ' +
        'human or aggregated labels only.',
    monitor: 'A monitor: covariate `shift` of a field, or bounded `predictions` of a model.',
    flow: 'A flow decomposes a problem into tasks; the compiler turns it into a DAG of stages.',
    task: 'A task: one question, one label type, its route, quality target and budget.',
};
