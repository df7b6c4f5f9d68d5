import { deleteTodo } from '@generated/graphql/mutations';
import { getTodo } from '@generated/graphql/queries';
import { iamClient, runWithIamServerContext } from '@/utils/amplify-utils';
import { describeApiError, isUnauthorized } from '@/utils/errors';

type Context = { params: Promise<{ id: string }> };

/** GET one Todo with IAM (granted Query.getTodo). */
export async function GET(_request: Request, { params }: Context) {
  const { id } = await params;
  try {
    const { data } = await runWithIamServerContext((contextSpec) => iamClient.graphql(contextSpec, { query: getTodo, variables: { id } }));
    return data.getTodo ? Response.json({ todo: data.getTodo }) : Response.json({ error: `No Todo ${id}` }, { status: 404 });
  } catch (error) {
    return Response.json({ error: describeApiError(error) }, { status: isUnauthorized(error) ? 403 : 502 });
  }
}

/** DELETE with IAM: the server's role is not granted Mutation.deleteTodo, so this answers 403 with AppSync's reason. */
export async function DELETE(_request: Request, { params }: Context) {
  const { id } = await params;
  try {
    const { data } = await runWithIamServerContext((contextSpec) => iamClient.graphql(contextSpec, { query: deleteTodo, variables: { input: { id } } }));
    return Response.json({ todo: data.deleteTodo });
  } catch (error) {
    return Response.json({ error: describeApiError(error) }, { status: isUnauthorized(error) ? 403 : 502 });
  }
}
