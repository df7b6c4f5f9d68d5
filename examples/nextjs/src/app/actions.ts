'use server';

import { revalidatePath } from 'next/cache';
import { createTodo, deleteTodo } from '@generated/graphql/mutations';
import { cookieBasedClient, iamClient, runWithIamServerContext } from '@/utils/amplify-utils';
import { describeApiError } from '@/utils/errors';

export interface ActionState {
  readonly ok?: boolean;
  readonly message: string;
}

function todoInput(formData: FormData): { name: string; description?: string } | undefined {
  const name = String(formData.get('name') ?? '').trim();
  const description = String(formData.get('description') ?? '').trim();
  return name ? { name, ...(description ? { description } : {}) } : undefined;
}

/** The guide's Server Action: createTodo with the cookie-based client (API key), then the page shows the new list. */
export async function createTodoAction(_state: ActionState, formData: FormData): Promise<ActionState> {
  const input = todoInput(formData);
  if (!input) return { ok: false, message: 'Give the Todo a name.' };
  try {
    const { data } = await cookieBasedClient.graphql({ query: createTodo, variables: { input } });
    revalidatePath('/');
    return { ok: true, message: `Created "${data.createTodo?.name}" with the API key.` };
  } catch (error) {
    return { ok: false, message: `Could not create the Todo: ${describeApiError(error)}` };
  }
}

/** createTodo signed with the server's role (IAM): granted. */
export async function createTodoWithIamAction(_state: ActionState, formData: FormData): Promise<ActionState> {
  const input = todoInput(formData);
  if (!input) return { ok: false, message: 'Give the Todo a name.' };
  try {
    const { data } = await runWithIamServerContext((contextSpec) => iamClient.graphql(contextSpec, { query: createTodo, variables: { input } }));
    revalidatePath('/iam');
    return { ok: true, message: `Created "${data.createTodo?.name}" with IAM (the server's role).` };
  } catch (error) {
    return { ok: false, message: `Could not create the Todo with IAM: ${describeApiError(error)}` };
  }
}

/** deleteTodo signed with the server's role: the role is not granted Mutation.deleteTodo, so AppSync refuses it. */
export async function deleteTodoWithIamAction(_state: ActionState, formData: FormData): Promise<ActionState> {
  const id = String(formData.get('id') ?? '');
  if (!id) return { ok: false, message: 'Which Todo?' };
  try {
    await runWithIamServerContext((contextSpec) => iamClient.graphql(contextSpec, { query: deleteTodo, variables: { input: { id } } }));
    revalidatePath('/iam');
    return { ok: true, message: `Deleted ${id} with IAM.` };
  } catch (error) {
    return { ok: false, message: `Could not delete the Todo with IAM: ${describeApiError(error)}` };
  }
}
