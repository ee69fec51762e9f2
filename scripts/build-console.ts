// Builds the web console into dist/console when it is missing or older than its sources (`--force`: always).
// Runs after `npm install`/`npm ci` (prepare) and before `npm start` (prestart).
import { ensureConsoleBuilt } from '../src/console/console-build.ts';

try {
  const built = ensureConsoleBuilt({ force: process.argv.includes('--force') });
  if (!built) console.log('console build is up to date (dist/console)');
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
