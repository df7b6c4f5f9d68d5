/**
 * The guide's utils file ("Connect to data from server-side runtimes", Step 2), for the App Router: both server
 * clients, and the IAM runner.
 *
 * | use case                                                      | client                                        |
 * | App Router: React Server Component, Server Action, Route Handler | `cookieBasedClient`                        |
 * | App Router: Middleware (Next 16: proxy)                       | `reqResBasedClient` in `runWithAmplifyServerContext` |
 * | Pages Router: getServerSideProps, API Route                   | `reqResBasedClient` in `runWithAmplifyServerContext` |
 * | any server code, IAM with the server's own role               | `iamClient` in `runWithIamServerContext`      |
 *
 * Pages Router code imports `./amplify-reqres` instead (this file imports `next/headers`, which Pages may not).
 * `amplifyconfiguration.json` is written by `npm run prepare:local` (the local cloud) or `npm run prepare:deployed`
 * (a deployed stack); it is read at build time, so build again after preparing for another target.
 */
import { cookies } from 'next/headers';
import { generateServerClientUsingCookies } from '@aws-amplify/adapter-nextjs/api';
import config from '../../amplifyconfiguration.json';

/** React Server Components, Server Actions and Route Handlers: reads the request's cookies itself, on every call. */
export const cookieBasedClient = generateServerClientUsingCookies({ config, cookies });

export { iamClient, reqResBasedClient, runWithAmplifyServerContext, runWithIamServerContext } from './amplify-reqres';
