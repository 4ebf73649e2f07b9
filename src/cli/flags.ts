import { InvalidArgumentError } from 'commander';
import { describeError } from '../core/errors.js';

/** Commander argument parsers shared by the commands: each refuses a bad value with a short reason. */

export function intInRange(lo: number, hi: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < lo || n > hi) throw new InvalidArgumentError(`expected an integer in ${lo}…${hi}`);
    return n;
  };
}

export function positiveInt(max: number) {
  return intInRange(1, max);
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

export function numberList(value: string): number[] {
  const list = value.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !Number.isFinite(n))) throw new InvalidArgumentError('expected comma-separated numbers, e.g. 0,90,180,270');
  return list;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

const FLAGS: Record<string, string> = { formats: '--format', projectInput: '--no-project-input' };

/** The flag that sets a generation request's field (`cfgScale` → `--cfg-scale`), for error messages. */
export function flagOf(field: string): string {
  return FLAGS[field] ?? `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Runs a stand-alone command's `main` (the corpus writers): commander has already printed its own
 * usage errors, anything else is one line prefixed by the command's name, never a stack trace.
 */
export function runCommand(name: string, main: (argv: string[]) => Promise<void>): void {
  main(process.argv).catch((err: unknown) => {
    const e = err as { code?: string; exitCode?: number };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      process.exitCode = e.exitCode ?? 1;
      return;
    }
    process.stderr.write(`${name}: ${describeError(err)}\n`);
    process.exitCode = 1;
  });
}
