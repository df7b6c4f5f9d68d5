/**
 * The local Lambda service: the runtime that runs the synthesized functions, and its Invoke API (service.ts starts
 * both as one local service).
 */

export { functionArn, type ParsedFunctionName, parseFunctionName } from './function-name';
export {
  type AuthenticationResult,
  createInvokeApiHandler,
  type InvokeApiOptions,
  type InvokeApiRequest,
  type RunningInvokeApi,
  startInvokeApi,
} from './invoke-api';
export { lambdaNodeArguments, type NodeBinary, nodeBinaryFor, nodeBinaryLine } from './node-runtime';
export { LambdaRuntime, type LambdaRuntimeOptions, type WorkerInfo, workerScript } from './runtime';
export { type LambdaService, type LambdaServiceOptions, startLambdaService } from './service';
export * from './types';
