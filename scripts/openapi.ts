// `tsx scripts/openapi.ts [FILE]` (run by `npm run lint:openapi`): writes the OpenAPI document the app serves at GET /openapi.json (same
// builder, same server URL from PUBLIC_URL/PORT) to FILE, or to stdout, for linters and clients.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config.ts';
import { buildOpenApiDocument } from '../src/openapi/openapi-document.ts';

let serverUrl: string;
try {
  serverUrl = loadConfig().publicUrl;
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(78);
}
const text = `${JSON.stringify(buildOpenApiDocument({ serverUrl }), null, 2)}\n`;
const file = process.argv[2];
if (file) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  process.stderr.write(`wrote ${file}\n`);
} else {
  process.stdout.write(text);
}
