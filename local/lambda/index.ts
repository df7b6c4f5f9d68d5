/**
 * The local Lambda service: the runtime that runs the synthesized functions, and its Invoke API (service.ts starts
 * both as one local service).
 */
export { startLambdaService, type LambdaService, type LambdaServiceOptions } from './service';
export { LambdaRuntime, workerScript, type LambdaRuntimeOptions, type WorkerInfo } from './runtime';
export { startInvokeApi, createInvokeApiHandler, type AuthenticationResult, type InvokeApiOptions, type InvokeApiRequest, type RunningInvokeApi } from './invoke-api';
export { parseFunctionName, functionArn, type ParsedFunctionName } from './function-name';
export * from './types';
