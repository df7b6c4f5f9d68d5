/**
 * `npm run lambda-node`: fetches the Node.js of the app's Lambda runtime (TodoFunction.RUNTIME) into the local cache,
 * once per machine, so that the tests never wait for it (npm test runs it first; npm start fetches it itself at its
 * first start on a machine). Says
 * which Node.js the local functions will run on; never fails the command it precedes: without the download (offline,
 * say), the functions run on this machine's Node.js, with the same warning.
 */
import { TodoFunction } from '../../lib/todo-function';
import { nodeBinaryFor, nodeBinaryLine } from './node-runtime';

async function main(): Promise<void> {
  const runtime = TodoFunction.RUNTIME.name;
  const binary = await nodeBinaryFor(runtime, { log: (line) => process.stdout.write(`lambda-node: ${line}\n`) });
  process.stdout.write(`lambda-node: ${nodeBinaryLine(runtime, binary)}\n`);
}

void main();
