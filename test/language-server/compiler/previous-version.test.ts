/** The previous-version hook validation uses to check `from` names (language.md §10). */
import { describe, expect, test } from 'vitest';
import { PreviousVersions, unknownSources } from '../../../language-server/src/compiler/previous-version.js';
import { compileText } from './compile-helpers.js';

describe('PreviousVersions', () => {
    test('knows the members of the remembered version, and nothing before one is remembered', async () => {
        const previous = new PreviousVersions();
        expect(previous.membersOf('Shop', 'Verdict')).toBeUndefined();
        previous.remember(await compileText('program Shop version 4\nlabels Verdict { spam, ham }\nlabels Other { a }'));
        expect(previous.get('Shop')?.version).toBe(4);
        expect(previous.membersOf('Shop', 'Verdict')).toEqual(['spam', 'ham']);
        expect(previous.membersOf('Shop', 'Missing')).toBeUndefined();
        expect(previous.membersOf('OtherProgram', 'Verdict')).toBeUndefined();
        previous.forget('Shop');
        expect(previous.membersOf('Shop', 'Verdict')).toBeUndefined();
    });

    test('unknownSources names the from entries the previous version lacked', () => {
        expect(unknownSources(['bicycle', 'car'], ['bicycle', 'scooter'])).toEqual(['scooter']);
        expect(unknownSources(['spam'], ['spam'])).toEqual([]);
    });
});
