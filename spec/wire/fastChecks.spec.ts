/**
 * The hand-written fast checks (lib/wire/fastChecks.ts) against the zod schemas they stand in for. Nothing here lists
 * a field by hand: the event types, valid events and the paths to mutate are all read from the schemas' own shapes,
 * so a field added to a schema is generated, mutated and compared too, and a field the fast check reads but no schema
 * declares is caught by recording its reads. On every path of every known event type, with values at the edges of
 * what the schemas accept, the fast check passes exactly what zod passes, and `validateWireEvent` accepts and rejects
 * (with zod's issues) exactly what the schema does.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import * as z from 'zod/mini';
import { en } from 'zod/v4/locales';
import type * as core from 'zod/v4/core';
import { MalformedEventError, type KnownWireEventType, wireEventSchemas } from 'responses-rx';
import { passesFastCheck } from '../../lib/wire/fastChecks';
import { type RawWireEvent, validateWireEvent } from '../../lib/wire/parseWireEvent';
import { itWithRecordings, recordedDir } from '../support';
import { configureFastCheck } from '../proof';

configureFastCheck();

type Json = Record<string, unknown>;
type Def = core.$ZodTypeDef & {
  readonly shape?: Record<string, core.$ZodType>;
  readonly innerType?: core.$ZodType;
  readonly element?: core.$ZodType;
  readonly options?: readonly core.$ZodType[];
  readonly values?: readonly unknown[];
};
const defOf = (schema: core.$ZodType): Def => schema._zod.def as Def;

/** A valid value of `schema`, with every optional field present, so that every nested path exists. */
function validValue(schema: core.$ZodType): unknown {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      return Object.fromEntries(Object.entries(def.shape!).map(([key, field]) => [key, validValue(field)]));
    case 'optional':
    case 'nullable':
      return validValue(def.innerType!);
    case 'array':
      return [validValue(def.element!), validValue(def.element!)];
    case 'union':
      return validValue(def.options![0]!);
    case 'string':
      return 'x';
    case 'number':
      return 1;
    case 'literal':
      return def.values![0];
    case 'unknown':
      return {};
    default:
      throw new Error(`spec: no valid value for a ${def.type} schema; teach validValue`);
  }
}

/** Every path `schema` checks (array elements as indexes 0 and 1), plus one field it does not know at each level. */
function pathsOf(schema: core.$ZodType, prefix: readonly string[] = []): string[][] {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      return [
        [...prefix, 'not_in_schema'],
        ...Object.entries(def.shape!).flatMap(([key, field]) => [
          [...prefix, key],
          ...pathsOf(field, [...prefix, key]),
        ]),
      ];
    case 'optional':
    case 'nullable':
      return pathsOf(def.innerType!, prefix);
    case 'array':
      return ['0', '1'].flatMap((index) => [[...prefix, index], ...pathsOf(def.element!, [...prefix, index])]);
    case 'union':
      return def.options!.flatMap((option) => pathsOf(option, prefix));
    default:
      return [];
  }
}

const TYPES = Object.keys(wireEventSchemas) as KnownWireEventType[];
const valid = (type: KnownWireEventType): Json => ({ type, ...(validValue(wireEventSchemas[type]) as Json) });
const PATHS: Record<string, string[][]> = Object.fromEntries(
  TYPES.map((type) => [type, pathsOf(wireEventSchemas[type])]),
);

/** Values at the edges of what the schemas accept: JSON's and a few JSON cannot carry. */
const EDGES: readonly unknown[] = [
  undefined,
  null,
  '',
  'x',
  0,
  -0,
  3,
  -1,
  1.5,
  2 ** 53,
  Number.MAX_SAFE_INTEGER,
  NaN,
  Infinity,
  -Infinity,
  true,
  false,
  [],
  [1],
  ['x'],
  {},
  { type: 'message' },
  { type: 1 },
  { type: 'm', id: 3 },
  [{ type: 'message' }],
  [null],
  [{}],
];
const anyValue = fc.oneof(
  { arbitrary: fc.constantFrom(...EDGES), weight: 4 },
  { arbitrary: fc.anything({ maxDepth: 2 }), weight: 1 },
);

function mutate(event: Json, path: readonly string[], value: unknown, remove: boolean): void {
  let target: unknown = event;
  for (const key of path.slice(0, -1)) {
    if (typeof target !== 'object' || target === null) return;
    target = (target as Json)[key];
  }
  if (typeof target !== 'object' || target === null) return;
  const last = path[path.length - 1] as string;
  if (remove) delete (target as Json)[last];
  else (target as Json)[last] = value;
}

/**
 * How the fast check, zod and validateWireEvent judge `event`; `agree` when all say the same, with zod's issues in
 * zod's English wording.
 */
function judge(
  event: Json,
  type: KnownWireEventType,
): { fast: boolean; zod: boolean; validated: boolean; agree: boolean } {
  // zod's own English wording: what lib/wire/schemas.ts words without bundling the locale.
  const result = wireEventSchemas[type].safeParse(event, { error: en().localeError });
  const expected = result.error?.issues.map((issue) => ({ path: issue.path, message: issue.message }));
  let issues: unknown;
  let validated = true;
  try {
    validated = validateWireEvent(event as RawWireEvent, '{}') === event;
  } catch (error) {
    validated = false;
    issues = error instanceof MalformedEventError ? error.issues : error;
  }
  const zod = wireEventSchemas[type].safeParse(event).success;
  const fast = passesFastCheck(event, type);
  const agree =
    fast === zod &&
    validated === zod &&
    (zod ? expected === undefined : JSON.stringify(issues) === JSON.stringify(expected));
  return { fast, zod, validated, agree };
}

function expectAgreement(event: Json, type: KnownWireEventType, label: string = type): void {
  const verdict = judge(event, type);
  if (!verdict.agree) expect({ label, event, ...verdict }).toEqual({ label, event, ...verdict, agree: true });
}

/**
 * The edge-value mutations of `schema`'s paths on which `fast` and the schema disagree, as `path = value` labels.
 * Used on the real schemas (below, through {@link expectAgreement}) and on altered copies, to show the comparison
 * catches a schema and a check that drifted apart.
 */
function disagreements(schema: core.$ZodType, fast: (event: Json) => boolean): string[] {
  const found: string[] = [];
  for (const path of pathsOf(schema)) {
    for (const value of [...EDGES, 'remove']) {
      const event = validValue(schema) as Json;
      mutate(event, path, value, value === 'remove');
      if (fast(event) !== z.safeParse(schema, event).success) found.push(`${path.join('.')} = ${String(value)}`);
    }
  }
  return found;
}

/** Every path (as `a.b.0.c`) `fast` reads from `event`, recorded through proxies; `length` of arrays left out. */
function pathsRead(event: Json, fast: (event: Json) => boolean): Set<string> {
  const read = new Set<string>();
  const watch = (value: unknown, prefix: readonly string[]): unknown =>
    typeof value !== 'object' || value === null
      ? value
      : new Proxy(value, {
          get(target, key, receiver) {
            const inner = Reflect.get(target, key, receiver);
            if (typeof key !== 'string' || (Array.isArray(target) && key === 'length')) return inner;
            read.add([...prefix, key].join('.'));
            return watch(inner, [...prefix, key]);
          },
        });
  fast(watch(event, []) as Json);
  return read;
}

describe('the fast checks of wire events', () => {
  it('pass the valid event of every known type, generated from its schema', () => {
    for (const type of TYPES) {
      expect(wireEventSchemas[type].safeParse(valid(type)).success).toBe(true);
      expect({ type, fast: passesFastCheck(valid(type), type) }).toEqual({ type, fast: true });
    }
  });

  it('read every path from the schemas, nested objects, arrays and unions included', () => {
    const paths = PATHS['response.completed']!.map((p) => p.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining(['response.output.1.type', 'response.usage.input_tokens_details.cached_tokens']),
    );
  });

  it('pass exactly what the zod schema passes, for each edge value or removal on each path of each type', () => {
    for (const type of TYPES) {
      for (const path of PATHS[type]!) {
        for (const [index, value] of [...EDGES, 'remove'].entries()) {
          const event = valid(type);
          mutate(event, path, value, value === 'remove');
          expectAgreement(event, type, `${type} ${path.join('.')} = edge #${index}`);
        }
      }
    }
  });

  it('pass exactly what the zod schema passes, on events with several random mutations', () => {
    const typeAndMutations = fc.constantFrom(...TYPES).chain((type) =>
      fc.tuple(
        fc.constant(type),
        fc.array(fc.record({ path: fc.constantFrom(...PATHS[type]!), value: anyValue, remove: fc.boolean() }), {
          minLength: 1,
          maxLength: 3,
        }),
      ),
    );
    fc.assert(
      fc.property(typeAndMutations, ([type, mutations]) => {
        const event = valid(type);
        for (const { path, value, remove } of mutations) mutate(event, path, value, remove);
        expectAgreement(event, type);
      }),
      { numRuns: 5_000 },
    );
  });

  it('read only fields the schemas declare', () => {
    for (const type of TYPES) {
      const declared = new Set(['type', ...PATHS[type]!.map((path) => path.join('.'))]);
      const undeclared = [...pathsRead(valid(type), (event) => passesFastCheck(event, type))].filter(
        (path) => !declared.has(path),
      );
      expect({ type, undeclared }).toEqual({ type, undeclared: [] });
    }
  });

  it('would catch a field added to a schema but not to its fast check', () => {
    const delta = wireEventSchemas['response.output_text.delta'];
    const fast = (event: Json): boolean => passesFastCheck(event, 'response.output_text.delta');
    expect(disagreements(delta, fast)).toEqual([]);
    const added = z.looseObject({ ...delta.shape, annotation_index: z.nullish(z.int()) });
    expect(disagreements(added, fast)).toEqual(
      expect.arrayContaining(['annotation_index = x', 'annotation_index = 1.5']),
    );
    const required = z.looseObject({ ...delta.shape, obfuscation: z.string() });
    expect(disagreements(required, fast)).toContain('obfuscation = remove');
  });

  it('would catch a field added to a fast check but not to its schema', () => {
    const type = 'response.output_text.delta';
    const declared = new Set(['type', ...PATHS[type]!.map((path) => path.join('.'))]);
    const stricter = (event: Json): boolean => passesFastCheck(event, type) && event['obfuscation'] === undefined;
    expect([...pathsRead(valid(type), stricter)].filter((path) => !declared.has(path))).toEqual(['obfuscation']);
  });

  it('agree with zod on sparse arrays, arrays as events and non-plain objects', () => {
    const holes = valid('response.completed');
    // eslint-disable-next-line no-sparse-arrays
    (holes['response'] as Json)['output'] = [, { type: 'message' }];
    const cases: [Json, KnownWireEventType][] = [
      [holes, 'response.completed'],
      [
        Object.assign([], { type: 'response.output_text.delta', delta: 'x' }) as unknown as Json,
        'response.output_text.delta',
      ],
      [
        Object.assign(new Date(0), { type: 'response.output_text.delta', delta: 'x' }) as unknown as Json,
        'response.output_text.delta',
      ],
      [
        Object.assign(Object.create(null) as Json, { type: 'response.output_text.delta', delta: 'x' }),
        'response.output_text.delta',
      ],
      [{ type: 'response.output_text.delta', delta: new String('x') }, 'response.output_text.delta'],
      [
        { type: 'response.output_item.done', item: Object.assign([], { type: 'message' }) },
        'response.output_item.done',
      ],
    ];
    for (const [event, type] of cases) expectAgreement(event, type);
  });

  const dir = recordedDir();
  itWithRecordings('fastChecks.spec (the fast path on recorded events)')(
    'take the fast path on every valid event of the recorded streams',
    () => {
      let checked = 0;
      for (const file of readdirSync(dir as string)) {
        for (const line of readFileSync(path.join(dir as string, file), 'utf8').split('\n')) {
          let event: Json;
          try {
            event = JSON.parse(line) as Json;
          } catch {
            continue;
          }
          const type = event['type'];
          if (typeof type !== 'string' || !(type in wireEventSchemas)) continue;
          const known = type as KnownWireEventType;
          expect({ type, fast: passesFastCheck(event, known) }).toEqual({
            type,
            fast: wireEventSchemas[known].safeParse(event).success,
          });
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(1000);
    },
  );
});
