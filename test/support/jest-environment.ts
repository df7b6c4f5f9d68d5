/**
 * Runs before every test file (jest.config.ts `setupFiles`), and its environment reaches the processes tests start
 * with `process.env`.
 *
 * CDK's built-in CloudFormation validation is off: it starts a WebAssembly rule engine in every process that
 * synthesizes, ~3 s of CPU each time (an empty stack: 3.4 s with it, 0.2 s without), and jest runs each test file in
 * a fresh module registry, so it cost that much per file. It reports findings without changing a template; one test
 * runs it on the whole app with findings as errors (test/lib/cloudformation-validation.test.ts).
 */
process.env.CDK_VALIDATION = 'false';
