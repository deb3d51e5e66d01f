/**
 * TypeScript types read off a definition's JSON Schema, so that the schema is the one place a
 * request's shape is written: the handler's parameters are `ParametersOf<typeof bizContentSchema>`, and
 * the reference client's request types are generated from the same schema (client-api-types.ts).
 * Covers what the pages' tables use: strings, enums, consts, booleans, numbers, nested objects.
 */

type PropertiesOf<S> = S extends { readonly properties: infer P } ? P : Record<never, never>;
type RequiredOf<S> = S extends { readonly required: readonly (infer R)[] } ? R : never;

/** The value a field's schema admits: its enum's or const's values, else its JSON type. */
export type ValueOf<S> = S extends { readonly enum: readonly (infer V)[] }
  ? V
  : S extends { readonly const: infer V }
    ? V
    : S extends { readonly type: 'boolean' }
      ? boolean
      : S extends { readonly type: 'number' | 'integer' }
        ? number
        : S extends { readonly type: 'object'; readonly properties: object }
          ? ParametersOf<S>
          : string;

type Flat<T> = { [K in keyof T]: T[K] };

/** An object schema's value: its required properties, and the others optional. */
export type ParametersOf<S> = Flat<
  { -readonly [K in keyof PropertiesOf<S> as K extends RequiredOf<S> ? K : never]: ValueOf<PropertiesOf<S>[K]> } & {
    -readonly [K in keyof PropertiesOf<S> as K extends RequiredOf<S> ? never : K]?: ValueOf<PropertiesOf<S>[K]>;
  }
>;

/** What a JSON-text field (one with a `jsonString` schema) holds once parsed. */
export type JsonTextOf<F> = F extends { readonly jsonString: infer J } ? ValueOf<J> : never;
