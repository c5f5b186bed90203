// The pages other sites may frame (the progress widget, the digest's sign-up box): only these
// relax the framing rules, to the origins EMBED_FRAME_ANCESTORS names.
import type { Response } from 'express';

export function allowFraming(res: Response, frameAncestors: string[]): void {
  res.removeHeader('X-Frame-Options');
  const csp = res.getHeader('Content-Security-Policy');
  if (typeof csp === 'string') {
    res.set('Content-Security-Policy', csp.replace(/frame-ancestors [^;]*/, `frame-ancestors ${frameAncestors.join(' ')}`));
  }
}
