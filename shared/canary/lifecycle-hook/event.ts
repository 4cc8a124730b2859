/** The lifecycle hook's payload and answer have one schema, beside the product's other events. */
export {
  type LifecycleHookAnswer as LifecycleHookResponse,
  type LifecycleHookEvent,
  LifecycleHookEventSchema,
} from '../../events/lifecycle-hook.js';
