/** Captures everything written through console.* (what Lambda would ship to CloudWatch) while a test runs. */
import { format } from 'node:util';

const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

export interface ConsoleCapture {
  /** One entry per console call, formatted as Node would print it. */
  readonly lines: string[];
  restore(): void;
}

export function captureConsole(): ConsoleCapture {
  const lines: string[] = [];
  const spies = METHODS.map((method) =>
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(format(...args));
    }),
  );
  return {
    lines,
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}
