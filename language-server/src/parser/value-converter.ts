import { DefaultValueConverter, type CstNode, type GrammarAST, type ValueType } from 'langium';

/**
 * Percentages and money are numbers: `80%` is 0.8 and `$0.05` is 0.05. The data type rules
 * `Ratio` and `SignedNumber` concatenate their tokens (`-`, `80%`), so they are parsed here too.
 */
export class DprogValueConverter extends DefaultValueConverter {
    protected override runConverter(rule: GrammarAST.AbstractRule, input: string, cstNode: CstNode): ValueType {
        switch (rule.name) {
            case 'PERCENT':
            case 'MONEY':
            case 'NUMBER':
            case 'Ratio':
            case 'SignedNumber':
                return parseNumberLiteral(input);
            default:
                return super.runConverter(rule, input, cstNode);
        }
    }
}

/** `80%` → 0.8, `$0.05` → 0.05, `-3` → -3, `42` → 42. */
export function parseNumberLiteral(text: string): number {
    const trimmed = text.replace(/\s+/g, '');
    const negative = trimmed.startsWith('-');
    let body = negative ? trimmed.slice(1) : trimmed;
    let scale = 1;
    if (body.startsWith('$')) {
        body = body.slice(1);
    }
    if (body.endsWith('%')) {
        body = body.slice(0, -1);
        scale = 0.01;
    }
    // Dividing by 100 keeps `7%` at exactly 0.07 (multiplying by 0.01 gives 0.07000000000000001).
    const value = scale === 1 ? Number(body) : Number(body) / 100;
    return negative ? -value : value;
}
