import type { NextConfig } from 'next';
import * as path from 'node:path';

const nextConfig: NextConfig = {
  // The generated GraphQL documents and API types are the product's own (../../graphql, ../../API.ts, written by
  // `npm run codegen` at the repository root), imported in place: the root is where Turbopack may read files from.
  turbopack: { root: path.join(__dirname, '..', '..') },
  outputFileTracingRoot: path.join(__dirname, '..', '..'),
  // The AWS SDK's credential chain loads its providers lazily with require(): keep it a Node.js module, unbundled.
  serverExternalPackages: ['@aws-sdk/credential-provider-node'],
  poweredByHeader: false,
};

export default nextConfig;
