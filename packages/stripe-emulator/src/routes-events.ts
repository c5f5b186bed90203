import type { EmulatorContext } from './context.ts';
import { invalidParam, resourceMissing } from './errors.ts';
import type { ApiRegistrar } from './http.ts';
import { paginate } from './list.ts';
import { optString, stringArray } from './params.ts';

/** `charge.*` style wildcards, as Stripe's `type` filter allows. */
function typeMatcher(pattern: string): (type: string) => boolean {
  if (!pattern.includes('*')) return (t) => t === pattern;
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return (t) => re.test(t);
}

export function registerEventRoutes(api: ApiRegistrar, ctx: EmulatorContext): void {
  api.get('/events', ({ input }) => {
    const type = optString(input, 'type');
    const types = input.types !== undefined ? stringArray(input.types, 'types') : undefined;
    if (type && types) throw invalidParam('You may only specify one of these parameters: type, types.', 'types', 'parameters_exclusive');
    const matchers = (types ?? (type ? [type] : [])).map(typeMatcher);
    return paginate([...ctx.store.events].reverse(), input, '/v1/events', 'event', (e) =>
      matchers.length === 0 || matchers.some((m) => m(e.type as string)),
    );
  });

  api.get('/events/:id', ({ params }) => {
    const event = ctx.store.eventsById.get(params.id!);
    if (!event) throw resourceMissing('event', params.id!);
    return event;
  });
}
