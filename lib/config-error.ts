/** A setting of the app (CDK context) that cannot be used: its message names the setting and how to fix it. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
