import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { legacyRoutes } from '../../../local/legacy/routes';

const doc = readFileSync(new URL('../../../docs/legacy-api.md', import.meta.url), 'utf8');

describe('docs/legacy-api.md', () => {
  it('has a section for exactly the routes the stand-in serves', () => {
    const documented = [...doc.matchAll(/^### `(GET|POST|PUT|PATCH|DELETE) (\S+)`$/gm)].map(
      (match) => `${match[1]} ${match[2]}`,
    );
    const served = legacyRoutes.map((route) => `${route.method} ${route.path}`);

    expect(documented.length).toBe(new Set(documented).size);
    expect([...documented].sort()).toEqual([...served].sort());
  });

  it('describes the event envelope the relay delivers', () => {
    for (const field of ['type', 'id', 'occurredAt', 'version', 'payload']) {
      expect(doc).toMatch(new RegExp(`^\\| \`${field}\` +\\|`, 'm'));
    }
  });
});
