// A spam-lint-style check of a message before it is queued: the things filters hold against
// senders and the things this service promises donors. Problems are returned, not thrown: the
// receipt still goes (a donor needs it), and the problem is logged for staff to fix the template.
export function lintEmail(m: { subject: string; html: string; text: string }): string[] {
  const problems: string[] = [];
  if (!m.subject.trim()) problems.push('empty subject');
  if (m.subject.length > 120) problems.push('subject longer than 120 characters');
  if (/[A-Z]{12,}/.test(m.subject)) problems.push('shouting subject');
  if (m.text.trim().length < 20) problems.push('no plain-text part');
  if (/<img\b[^>]*\bsrc\s*=\s*["']?\s*(https?:)?\/\//i.test(m.html)) problems.push('remote image');
  if (/<link\b[^>]*stylesheet/i.test(m.html) || /@import/i.test(m.html)) problems.push('remote stylesheet');
  if (/<script\b/i.test(m.html)) problems.push('script');
  if (/<(iframe|object|embed|form)\b/i.test(m.html)) problems.push('active content');
  if (/\burl\(\s*["']?(https?:)?\/\//i.test(m.html)) problems.push('remote CSS resource');
  if (/href\s*=\s*["']?\s*javascript:/i.test(m.html)) problems.push('javascript: link');
  if (Buffer.byteLength(m.html) > 100_000) problems.push('HTML over 100 KB (clipped by Gmail)');
  return problems;
}
