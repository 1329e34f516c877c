// The shape every language's dictionary must have, and the placeholders a message expects, read from its English text.
import type { en } from './en.ts';

export type MessageKey = keyof typeof en;

/** `'{done} of {total}'` → `'done' | 'total'`. */
export type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;

/** A dictionary has every key of the English one and nothing else (checked with `satisfies`). */
export type Dictionary = { readonly [K in MessageKey]: string };

export type MessageParams<K extends MessageKey> = Record<Placeholders<(typeof en)[K]>, string | number>;
