import fc from 'fast-check';
import { LineSplitter } from './lines';

/** What `exgate candles` read before: readline's lines (crlfDelay Infinity), blank ones left out. */
function readlineLines(text: string): string[] {
  return text.split(/\r?\n|\r(?!\n)/).filter((l) => l.trim() !== '');
}

function split(chunks: readonly (string | Buffer)[]): string[] {
  const out: string[] = [];
  const splitter = new LineSplitter((l) => out.push(l));
  for (const c of chunks) splitter.push(typeof c === 'string' ? Buffer.from(c) : c);
  splitter.end();
  return out;
}

describe('LineSplitter', () => {
  it('splits on \\n, \\r\\n and a lone \\r, and leaves blank lines out', () => {
    expect(split(['a\nb\r\nc\rd\n\n  \n e \r\nlast'])).toEqual(['a', 'b', 'c', 'd', ' e ', 'last']);
  });

  it('joins a line cut between chunks, a \\r\\n cut between them included', () => {
    expect(split(['{"a"', ':1}\r', '\n{"b":2}\n'])).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('gives the lines readline gives, however the bytes are cut into chunks (inside a character too)', () => {
    const text = fc.array(fc.constantFrom('x', 'yz', '\n', '\r', '\r\n', ' ', '{"e":1}', 'é', '€'), { maxLength: 60 }).map((p) => p.join(''));
    fc.assert(fc.property(text, fc.array(fc.nat(), { maxLength: 6 }), (t, cuts) => {
      const bytes = Buffer.from(t);
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const chunks = [...points, bytes.length].map((end, i, ends) => bytes.subarray(i === 0 ? 0 : ends[i - 1], end));
      expect(split(chunks)).toEqual(readlineLines(t));
    }), { numRuns: 500 });
  });
});
