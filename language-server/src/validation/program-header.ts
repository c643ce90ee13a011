/**
 * The program header: `version` is a positive whole number (language.md §2; 1 when left out), as
 * migrations compare versions and the store keeps labels per version.
 */
import type { ValidationChecks } from 'langium';
import type { DprogAstType } from '../generated/ast.js';

export const ProgramIssues = {
    /** A version that is not a positive whole number. */
    version: 'program/version',
} as const;

export const programHeaderChecks: ValidationChecks<DprogAstType> = {
    ProgramHeader: (header, accept) => {
        if (header.version !== undefined && !(Number.isInteger(header.version) && header.version >= 1)) {
            accept('error', `A program's version is a whole number from 1 up (leave it out for 1); found ${header.version}.`, {
                node: header,
                property: 'version',
                code: ProgramIssues.version,
                data: { code: ProgramIssues.version },
            });
        }
    },
};
