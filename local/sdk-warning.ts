/**
 * The AWS SDK for JavaScript v3 warns, once per process, that its releases from January 2027 on need Node.js 22
 * (`NodeVersionSupportWarning`, emitted by @aws-sdk/core's emitWarningIfUnsupportedVersion when a client is
 * created). In the local cloud it is noise: its own SDK clients are an internal detail, and the functions' workers
 * stand in for Lambda's runtime (nodejs22.x or newer), whatever Node.js runs them here. Only that one warning is
 * dropped; every other warning is printed as usual.
 */
const SDK_NODE_VERSION_WARNING = /^NodeVersionSupportWarning\b/;

let installed = false;

export function silenceSdkNodeVersionWarning(): void {
  if (installed) return;
  installed = true;
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning?.message;
    if (typeof text === 'string' && SDK_NODE_VERSION_WARNING.test(text)) return;
    emitWarning(warning, ...rest);
  }) as typeof process.emitWarning;
}
