/**
 * Parsers (and the lexer) built on first use. Building a Langium parser runs Chevrotain's grammar analysis and
 * the ALL(*) lookahead set-up (most of a second on a loaded machine, for each of the two parsers).
 * Langium creates every service while answering `initialize`, so an editor would wait for it;
 * behind these proxies that work happens when the first document is parsed or the first
 * completion is asked for, after the server has answered.
 */
import { createCompletionParser, createLangiumParser, type LangiumCoreServices, type LangiumParser } from 'langium';

/** A stand-in for `create()`'s result that creates it on first access to any property. */
export function lazily<T extends object>(create: () => T): T {
    let target: T | undefined;
    const resolve = () => (target ??= create());
    return new Proxy({} as T, {
        get(_stand, property) {
            if (typeof property === 'symbol' && target === undefined) {
                return undefined; // a marker probe (Langium's dependency injection asks whether this is its proxy)
            }
            const real = resolve();
            const value = Reflect.get(real, property, real) as unknown;
            return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(real) : value;
        },
        set(_stand, property, value) {
            return Reflect.set(resolve(), property, value);
        },
        has(_stand, property) {
            return Reflect.has(resolve(), property);
        },
    });
}

export function lazyLangiumParser(services: LangiumCoreServices): LangiumParser {
    return lazily(() => createLangiumParser(services));
}

export function lazyCompletionParser(
    services: LangiumCoreServices,
    adapt: (parser: unknown) => void,
): ReturnType<typeof createCompletionParser> {
    return lazily(() => {
        const parser = createCompletionParser(services);
        adapt(parser);
        return parser;
    });
}
