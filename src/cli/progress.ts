import cliProgress from 'cli-progress';

export interface ProgressBar {
  update(value: number, total: number): void;
  stop(): void;
}

/** A progress bar on stderr (stdout stays clean for scripts); plain lines when stderr is not a terminal. */
export function progressBar(label: string, unit: string): ProgressBar {
  if (!process.stderr.isTTY) {
    let lastPrinted = 0;
    return {
      update(value, total) {
        const now = Date.now();
        if (now - lastPrinted < 2000 && value < total) return;
        lastPrinted = now;
        process.stderr.write(`${label}: ${value.toLocaleString('en')} / ${total.toLocaleString('en')} ${unit}\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} |{bar}| {percentage}% | {value}/{total} ${unit} | {eta_formatted} left`,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(value, total) {
      if (!started) bar.start(total, 0);
      started = true;
      bar.setTotal(total);
      bar.update(value);
    },
    stop: () => bar.stop(),
  };
}

const BYTE_UNITS = [
  { name: 'MB', size: 1e6 },
  { name: 'KB', size: 1e3 },
  { name: 'bytes', size: 1 },
] as const;

/** Progress through a file, in the largest unit it fills: a small file in MB would read "0 / 0". */
export function bytesProgressBar(label: string): ProgressBar {
  let bar: ProgressBar | undefined;
  return {
    update(bytes, totalBytes) {
      const unit = BYTE_UNITS.find((u) => totalBytes >= u.size) ?? BYTE_UNITS[2];
      bar ??= progressBar(label, unit.name);
      const inUnit = (n: number) => Math.round((n / unit.size) * 10) / 10;
      bar.update(inUnit(bytes), inUnit(totalBytes));
    },
    stop: () => bar?.stop(),
  };
}
