/** The error a synchronous call throws, checked to be of the expected class (the test fails when nothing is thrown). */
import { expect } from 'vitest';

export function thrownBy<E extends Error>(kind: abstract new (...args: never[]) => E, run: () => unknown): E {
    try {
        run();
    } catch (error) {
        expect(error).toBeInstanceOf(kind);
        return error as E;
    }
    throw new Error(`expected a ${kind.name}`);
}
