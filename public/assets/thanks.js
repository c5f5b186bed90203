// The thank-you page while Stripe is still confirming: asks the server again on the schedule in
// data-poll and puts the new state in place, without reloading the page under the donor. The
// page works without this file (a bounded meta refresh inside <noscript> does the same).
(function () {
  'use strict';
  var status = document.getElementById('donation-status');
  if (!status || !status.getAttribute('data-poll') || !window.fetch || !window.DOMParser) return;
  var schedule = status.getAttribute('data-poll').split(',').map(Number);
  var attempt = 0;

  function giveUp() {
    var note = status.querySelector('[data-waiting-note]');
    // The server wrote the words (they depend on whether receipts go out by email).
    if (note && note.getAttribute('data-given-up')) note.textContent = note.getAttribute('data-given-up');
  }
  function next() {
    if (attempt >= schedule.length) return giveUp();
    setTimeout(check, schedule[attempt++] * 1000);
  }
  function check() {
    fetch(window.location.href, { headers: { Accept: 'text/html' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (text) {
        var fresh = text && new DOMParser().parseFromString(text, 'text/html').getElementById('donation-status');
        if (!fresh || fresh.getAttribute('data-state') === status.getAttribute('data-state')) return next();
        // Settled (paid, processing, failed...): show it; the live region announces it.
        status.innerHTML = fresh.innerHTML;
        status.setAttribute('data-state', fresh.getAttribute('data-state'));
        status.removeAttribute('data-poll');
        document.title = fresh.querySelector('h1') ? fresh.querySelector('h1').textContent : document.title;
      })
      .catch(next);
  }
  next();
})();
