import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { README_PATH, configRows, expectedCells, readmeTableCells } from './configTable.js';

describe('README configuration table', () => {
  it('lists every variable the server and npm run turn read, as the code documents them', () => {
    const readme = readFileSync(README_PATH, 'utf8');
    // Out of date? Run: npx tsx scripts/configTable.ts --write
    expect(readmeTableCells(readme)).toEqual(expectedCells());
  });

  it('has each variable once, shared ones marked as read by both processes', () => {
    const names = configRows().map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    const secret = configRows().find((r) => r.name === 'TURN_SECRET');
    expect(secret?.usedBy).toContain('npm run turn');
    expect(secret?.usedBy).toContain('npm start');
  });
});
