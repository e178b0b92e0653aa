/**
 * The event schemas are built the first time one is read (a cold start does not build sixty zod schemas): counted by
 * which properties of `wireEventSchemas` are still unbuilt getters, never by a time.
 */
import { lastValueFrom, toArray } from 'rxjs';
import type * as Main from '../../lib';
import type * as Testing from '../../lib/testing';

function fresh(): { main: typeof Main; testing: typeof Testing } {
  let modules!: { main: typeof Main; testing: typeof Testing };
  jest.isolateModules(() => {
    modules = {
      main: jest.requireActual<typeof Main>('../../lib'),
      testing: jest.requireActual<typeof Testing>('../../lib/testing'),
    };
  });
  return modules;
}

function built(schemas: object): string[] {
  return Object.keys(schemas).filter((key) => Object.getOwnPropertyDescriptor(schemas, key)?.get === undefined);
}

describe('wireEventSchemas', () => {
  it('builds no event schema at import, nor while every event passes its fast check', async () => {
    const { main, testing } = fresh();
    expect(built(main.wireEventSchemas)).toEqual([]);
    const sse = testing.toSseText(
      testing.streamedEvents([testing.items.reasoning('rs', 'hmm'), testing.items.message('m', 'Hello')]),
    );
    const events = await lastValueFrom(main.responseEvents(sse).pipe(toArray()));
    expect(events.map((event) => event.type)).toContain('completed');
    expect(built(main.wireEventSchemas)).toEqual([]);
  });

  it('builds the one schema of a rejected event to word its issues, once', () => {
    const { main } = fresh();
    expect(() => main.parseWireEvent('{"type":"response.output_text.delta"}')).toThrow(main.MalformedEventError);
    expect(built(main.wireEventSchemas)).toEqual(['response.output_text.delta']);
    const schema = main.wireEventSchemas['response.output_text.delta'];
    expect(main.wireEventSchemas['response.output_text.delta']).toBe(schema);
    expect(built(main.wireEventSchemas)).toEqual(['response.output_text.delta']);
  });

  it('reads like a plain object: every type enumerable, each a schema, types sharing a shape sharing one', () => {
    const { main } = fresh();
    const types = Object.keys(main.wireEventSchemas);
    expect(types.length).toBeGreaterThan(60);
    for (const type of types) {
      expect(typeof main.wireEventSchemas[type as keyof typeof main.wireEventSchemas].safeParse).toBe('function');
    }
    expect(main.wireEventSchemas['response.created']).toBe(main.wireEventSchemas['response.failed']);
    expect(Object.getOwnPropertyDescriptor(main.wireEventSchemas, 'response.created')).toMatchObject({
      writable: false,
      enumerable: true,
    });
  });
});
