import { Command } from 'commander';
import { KilnError, describeError } from '../core/errors.js';
import { addGenerationCommands } from './generation-commands.js';
import { addMeshCommands } from './mesh-commands.js';
import { addServiceCommands } from './service-commands.js';

const VERSION = '0.1.0';

/**
 * Builds the `kiln` command line. Commands only parse arguments and call library operations; every
 * failure reaches the user as one line (`kiln: …`) with a non-zero exit code, never a stack trace.
 */
export function createProgram(): Command {
  const program = new Command('kiln')
    .description('Image/text to 3D: multi-view diffusion, sparse-view reconstruction, glTF export.')
    .version(VERSION)
    .showSuggestionAfterError(true)
    // Commander's own errors (unknown command, bad flag) read like ours: one line, `kiln: …`.
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'kiln: ')) });

  addGenerationCommands(program);
  addServiceCommands(program);
  addMeshCommands(program);
  return program;
}

/** Runs the CLI; resolves when the command finishes. Errors print one line and set a non-zero exit code. */
export async function main(argv: string[]): Promise<void> {
  const program = createProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const cancelled = err instanceof KilnError && err.code === 'CANCELLED';
    const code = cancelled ? 130 : err instanceof KilnError && err.code === 'NOT_AVAILABLE' ? 2 : 1;
    process.stderr.write(cancelled ? 'kiln: cancelled; nothing was written\n' : `kiln: ${describeError(err)}\n`);
    if (process.env.KILN_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exitCode = code;
  }
}
