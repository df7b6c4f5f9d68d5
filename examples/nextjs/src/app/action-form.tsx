'use client';

import { useActionState, type ReactNode } from 'react';
import type { ActionState } from './actions';

/** A form posting to a Server Action, showing the action's answer (success or a readable error) below it. */
export function ActionForm({
  action,
  submitLabel,
  children,
  testId,
}: {
  action: (state: ActionState, formData: FormData) => Promise<ActionState>;
  submitLabel: string;
  children?: ReactNode;
  testId: string;
}) {
  const [state, formAction, pending] = useActionState(action, { message: '' });
  return (
    <form action={formAction} data-testid={testId}>
      {children}
      <button type="submit" disabled={pending}>
        {submitLabel}
      </button>
      {state.message ? (
        <span role="status" className={state.ok ? 'ok' : 'error'} data-testid={`${testId}-result`} data-ok={String(state.ok)}>
          {state.message}
        </span>
      ) : null}
    </form>
  );
}
