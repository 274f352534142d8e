import { describe, expect, it } from 'vitest';
import Table from 'cli-table3';
import { renderTextTable } from '../src/text-table.js';

/** What cli-table3, which the CLI drew its tables with, draws for the same cells. */
function cliTable3(head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const table = new Table({ head: [...head], style: { head: [], border: [] }, wordWrap: true });
  for (const row of rows) table.push(row.map((cell) => String(cell)));
  return table.toString();
}

describe('renderTextTable', () => {
  const cases: Array<[string, string[], Array<Array<string | number>>]> = [
    ['a header only', ['id', 'state'], []],
    ['numbers and empty cells', ['id', 'queued', 'last error'], [['smtp', 0, ''], ['loopback', 1_000_000, 'XPORT_X: refused']]],
    ['stacked lines in a cell', ['id', 'state'], [['smtp', 'online\nrelay down (smtp.example.org:587)\nlistener up (127.0.0.1:2525)'], ['x', 'offline']]],
    ['wide and combining characters', ['recipient', 'note'], [['用户@例子.广告', 'naïve café'], ['josé@bücher.example', '日本語\nok']]],
    ['a column empty throughout', ['a', 'b'], [['', 'x'], ['', 'y']]],
  ];
  it.each(cases)('draws %s as cli-table3 did', (_, head, rows) => {
    expect(renderTextTable(head, rows)).toBe(cliTable3(head, rows));
  });
});
