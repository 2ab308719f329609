/**
 * Jest's asymmetric matchers, typed as what they are. @types/jest declares `expect.objectContaining`
 * and its kind as returning `any`, which typescript-eslint's no-unsafe-* rules then report wherever
 * one is put into an expected value; these wrappers change only the type, not the matching.
 */
type Matcher = jest.AsymmetricMatcher;

export const objectContaining = (sample: object): Matcher => expect.objectContaining(sample) as Matcher;
export const stringMatching = (pattern: string | RegExp): Matcher => expect.stringMatching(pattern) as Matcher;
export const stringContaining = (text: string): Matcher => expect.stringContaining(text) as Matcher;
/** `expect.any(type)`: any value made by the constructor (`Number` and `String` match primitives too). */
export const anyOf = (type: abstract new (...args: never[]) => unknown): Matcher => expect.any(type) as Matcher;
