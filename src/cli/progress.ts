import cliProgress from 'cli-progress';

/** A progress bar on stderr (stdout stays clean for scripts); plain lines when stderr is not a terminal. */
export function progressBar(label: string, unit: string): { update(value: number, total: number): void; stop(): void } {
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
