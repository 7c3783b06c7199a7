// Runs in a fresh Node process, in a folder with no node_modules anywhere above it: the same
// conditions as the Lambda runtime. Loads one function bundle and reports what it exports.
// Usage: node load-bundle.mjs <path to index.mjs>
import { pathToFileURL } from 'node:url';

const [bundlePath] = process.argv.slice(2);
try {
  const module = await import(pathToFileURL(bundlePath).href);
  process.stdout.write(JSON.stringify({ ok: true, handlerType: typeof module.handler }));
  // Amplify's SSM banner leaves a refresh interval running; the check is done.
  process.exit(0);
} catch (error) {
  process.stdout.write(JSON.stringify({ ok: false, error: String(error?.stack ?? error) }));
  process.exit(1);
}
