import { validateView } from './block-kit-validator';
import { SlackApiError, blockKitError } from './slack-api-error';
import { json, str, type Args } from './slack-args';
import type { MethodHandler } from './slack-method-context';
import type { SlackView } from './slack-views';

// views.open, views.push and views.update. A view that breaks Block Kit is refused with
// `invalid_arguments` and the problems in `response_metadata.messages`, as Slack does; the view
// is checked before the trigger is spent, so a refused call leaves the trigger usable.

function readView(args: Args): Record<string, unknown> {
  const view = json(args, 'view', 'invalid_arguments');
  const problems = validateView(view);
  if (problems.length > 0) throw blockKitError('invalid_arguments', problems);
  return view as Record<string, unknown>;
}

/** The view as Slack returns it (without the local `user` field). */
export function wireView(view: SlackView): Record<string, unknown> {
  const { user: _user, ...rest } = view;
  return rest;
}

const open: MethodHandler = (args, ctx) => {
  const input = readView(args);
  const user = ctx.views.consumeTrigger(args.trigger_id);
  const { view, closed } = ctx.views.open(user, input);
  for (const c of closed) ctx.events.emit('view.closed', { user, view: c });
  ctx.events.emit('view.opened', { user, view });
  return { view: wireView(view) };
};

const push: MethodHandler = (args, ctx) => {
  const input = readView(args);
  const user = ctx.views.consumeTrigger(args.trigger_id);
  const view = ctx.views.push(user, input);
  ctx.events.emit('view.pushed', { user, view });
  return { view: wireView(view) };
};

const update: MethodHandler = (args, ctx) => {
  const viewId = str(args, 'view_id');
  const externalId = str(args, 'external_id');
  if (!viewId && !externalId) throw new SlackApiError('invalid_arguments');
  const input = readView(args);
  const hash = str(args, 'hash');
  const view = ctx.views.update(
    { ...(viewId ? { viewId } : {}), ...(externalId ? { externalId } : {}), ...(hash ? { hash } : {}) },
    input,
  );
  ctx.events.emit('view.updated', { user: view.user, view });
  return { view: wireView(view) };
};

export const VIEW_METHODS: Readonly<Record<string, MethodHandler>> = {
  'views.open': open,
  'views.push': push,
  'views.update': update,
};
