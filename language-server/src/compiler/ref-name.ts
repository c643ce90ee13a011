import type { AstNode, Reference } from 'langium';

/** The name a reference resolves to, or as written; '' when the reference is missing (incomplete code). */
export function refName(ref: Reference<AstNode & { name: string }> | undefined): string {
    return ref?.ref?.name ?? ref?.$refText ?? '';
}
