import { InvalidArgumentError } from 'commander';

/** Commander argument parsers shared by the commands: each refuses a bad value with a short reason. */

export function positiveInt(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`expected an integer in 1…${max}`);
    return n;
  };
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
