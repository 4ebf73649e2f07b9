import cliProgress from 'cli-progress';
import type { ProgressEvent } from '../core/progress.js';

/**
 * Shows pipeline progress on stderr: on a terminal, one bar per stage (cli-progress); otherwise one
 * plain line whenever a stage starts or passes another quarter, so logs stay short.
 */
export interface ProgressDisplay {
  update(event: ProgressEvent): void;
  stop(): void;
}

export function createProgressDisplay(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  if (!enabled) return { update() {}, stop() {} };
  if (stream.isTTY) {
    const multi = new cliProgress.MultiBar(
      { format: ' {stage} |{bar}| {percentage}% {message}', hideCursor: true, clearOnComplete: false, stream, barsize: 30 },
      cliProgress.Presets.shades_classic,
    );
    const bars = new Map<string, cliProgress.SingleBar>();
    return {
      update(e) {
        const local = e.stageFraction ?? e.fraction;
        let bar = bars.get(e.stage);
        if (!bar) {
          bar = multi.create(100, 0, { stage: e.stage.padEnd(11), message: '' });
          bars.set(e.stage, bar);
        }
        bar.update(Math.round(local * 100), { stage: e.stage.padEnd(11), message: e.message ?? '' });
      },
      stop() {
        multi.stop();
      },
    };
  }
  const last = new Map<string, number>();
  return {
    update(e) {
      const local = e.stageFraction ?? e.fraction;
      const quarter = Math.floor(local * 4);
      if (last.get(e.stage) === quarter) return;
      last.set(e.stage, quarter);
      stream.write(`${e.stage} ${Math.round(local * 100)}% (overall ${Math.round(e.fraction * 100)}%)\n`);
    },
    stop() {},
  };
}
