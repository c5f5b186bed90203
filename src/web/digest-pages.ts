// The digest's pages: the sign-up form (/digest), the embeddable box (/embed/digest, for an iframe
// on article pages), what a sign-up is answered with, and the confirmation and unsubscribe pages,
// each a button that posts (a link scanner fetching the email's links changes nothing).
import { html, type SafeHtml } from '../html.ts';
import { page, type Org } from './layout.ts';

export interface SignUpFormModel {
  source: 'page' | 'widget';
  values?: { email?: string; name?: string };
  error?: string;
  /** The same sentence for every address, after a well-formed sign-up. */
  sent?: string;
  org?: Org;
}

function signUpForm(m: SignUpFormModel): SafeHtml {
  const id = (name: string) => `digest-${name}`;
  return html`<form method="post" action="/api/digest/subscriptions" class="donate digest-form">
<input type="hidden" name="source" value="${m.source}">
<label for="${id('email')}">Email</label>
<input id="${id('email')}" name="email" type="email" autocomplete="email" required maxlength="254" value="${m.values?.email ?? ''}"${m.error ? html` aria-invalid="true" aria-describedby="${id('error')}"` : ''}>
${m.error ? html`<p class="error" id="${id('error')}" role="alert">${m.error}</p>` : ''}
${m.source === 'page'
  ? html`<label for="${id('name')}">Name <span class="hint">(optional)</span></label>
<input id="${id('name')}" name="name" autocomplete="name" maxlength="100" value="${m.values?.name ?? ''}">`
  : ''}
<div class="hp" aria-hidden="true"><label for="${id('website')}">Leave this empty</label><input id="${id('website')}" name="website" tabindex="-1" autocomplete="off"></div>
<button type="submit" data-digest-submit>Send me the daily digest</button>
<p class="hint">We email you a link to confirm first.${m.source === 'page' ? ' Every digest has a one-click unsubscribe.' : ''}</p>
</form>`;
}

const sentNotice = (text: string) => html`<p class="notice" role="status" data-digest-sent>${text}</p>`;

export function digestSignUpPage(m: SignUpFormModel): string {
  if (m.source === 'widget') {
    return page({
      title: 'The daily digest',
      bodyClass: 'widget digest-box',
      bare: true,
      org: m.org,
      body: html`<h1 class="widget-title">The daily digest</h1>
${m.sent ? sentNotice(m.sent) : signUpForm(m)}`,
    });
  }
  return page({
    title: 'The daily digest',
    org: m.org,
    body: html`<h1>The daily digest</h1>
<p>The day’s reporting${m.org ? ` from ${m.org.name}` : ''} in one email, every morning.</p>
${m.sent ? sentNotice(m.sent) : signUpForm(m)}`,
  });
}

/** A token's page: what it found, and the one button that acts on it (if any). */
export function digestLinkPage(o: { title: string; message: string; action?: { url: string; label: string }; done?: boolean; org?: Org }): string {
  return page({
    title: o.title,
    org: o.org,
    body: html`<h1>${o.title}</h1>
<p${o.done ? html` class="notice" role="status" data-digest-done` : ''}>${o.message}</p>
${o.action ? html`<form method="post" action="${o.action.url}" class="donate"><button type="submit" data-digest-action>${o.action.label}</button></form>` : ''}
<p><a href="/digest">The daily digest</a></p>`,
  });
}
