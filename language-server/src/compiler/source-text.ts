import type { AstNode } from 'langium';

/** A node's source text on one line (whitespace runs collapsed), for plans and messages. */
export function sourceText(node: AstNode | undefined): string {
    return (node?.$cstNode?.text ?? '').replace(/\s+/g, ' ').trim();
}
