/**
 * The request/response-based half of the guide's utils file, on its own: Pages Router code (getServerSideProps, API
 * Routes) may not import a module that imports `next/headers` (Next refuses the build: "This API is only available in
 * Server Components in the App Router"), so it imports this file; amplify-utils.ts re-exports it for the App Router.
 */
import { createServerRunner } from '@aws-amplify/adapter-nextjs';
import { generateServerClientUsingReqRes } from '@aws-amplify/adapter-nextjs/api';
import config from '../../amplifyconfiguration.json';
import { createIamServerRunner } from './amplify-iam';

/** Middleware (proxy) and Pages Router code: every call runs inside `runWithAmplifyServerContext` with req/res. */
export const { runWithAmplifyServerContext } = createServerRunner({ config });
export const reqResBasedClient = generateServerClientUsingReqRes({ config });

/**
 * IAM with the server's own role (the default Node.js credential provider chain: a Lambda's or ECS task's role, or
 * AWS_PROFILE locally), signed by Amplify's signer, in a fresh Amplify context per request.
 */
export const { runWithIamServerContext, iamClient } = createIamServerRunner({ config });
