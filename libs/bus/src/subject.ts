/**
 * NATS subject rules, for the in-memory bus and for checking what we hand to NATS: tokens are
 * separated by dots, `*` matches one token, `>` (last token only) matches one or more.
 */
const TOKEN = /^[^\s.*>]+$/;

export function isValidSubject(subject: string): boolean {
  return subject.split('.').every((t) => TOKEN.test(t));
}

export function isValidPattern(pattern: string): boolean {
  const tokens = pattern.split('.');
  return tokens.every((t, i) => TOKEN.test(t) || t === '*' || (t === '>' && i === tokens.length - 1));
}

export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const token = p[i]!;
    if (token === '>') return s.length > i;
    if (i >= s.length) return false;
    if (token !== '*' && token !== s[i]) return false;
  }
  return p.length === s.length;
}
