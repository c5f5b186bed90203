// Live progress: follows /api/campaigns/:slug/progress/stream (Server-Sent Events, which
// reconnect and resume by themselves) and updates every [data-progress] block on the page; polls
// /progress instead when the stream is refused. Screen readers hear a short sentence when the
// total moves (the block's live region), and a new gift brings the supporters list up to date.
(function () {
  'use strict';
  var blocks = document.querySelectorAll('[data-progress][data-campaign]');
  if (!blocks.length || !window.EventSource) return;
  var slug = blocks[0].getAttribute('data-campaign');
  var currency = (blocks[0].getAttribute('data-currency') || 'usd').toUpperCase();
  var decimals = Number(blocks[0].getAttribute('data-decimals') || 2);

  function money(minor) {
    var major = minor / Math.pow(10, decimals);
    try {
      return new Intl.NumberFormat('en-US', {
        style: 'currency', currency: currency,
        minimumFractionDigits: minor % Math.pow(10, decimals) === 0 ? 0 : decimals, maximumFractionDigits: decimals,
      }).format(major);
    } catch (e) {
      return major.toFixed(decimals) + ' ' + currency;
    }
  }
  // Same rule as the server (donation-page.ts barWidth): any gift shows at least 2%.
  function barWidth(p) {
    return p.raised > 0 ? Math.max(2, Math.min(100, p.percent)) : 0;
  }
  var supporters = document.querySelector('[data-supporters]');
  function refreshSupporters() {
    if (!supporters) return;
    fetch('/campaigns/' + encodeURIComponent(slug) + '/supporters', { headers: { Accept: 'text/html' } })
      .then(function (res) { return res.ok ? res.text() : null; })
      .then(function (text) {
        if (!text) return;
        var next = new DOMParser().parseFromString(text, 'text/html').querySelector('[data-supporters]');
        if (next) {
          supporters.replaceWith(next);
          supporters = next;
        }
      })
      .catch(function () { /* the next gift tries again */ });
  }
  function render(p) {
    var before = Number(blocks[0].getAttribute('data-raised'));
    var donationsBefore = Number(blocks[0].getAttribute('data-donations'));
    blocks.forEach(function (block) {
      var set = function (field, text) {
        block.querySelectorAll('[data-field=' + field + ']').forEach(function (el) { el.textContent = text; });
      };
      set('raised', money(p.raised));
      set('goal', money(p.goal));
      set('percent', p.percent + '%');
      set('donors', String(p.donors));
      set('daysLeft', String(p.daysLeft));
      set('donorsLabel', p.donors === 1 ? 'donor' : 'donors');
      set('daysLabel', p.daysLeft === 1 ? 'day' : 'days');
      if (p.matchPools) {
        set('matched', money(p.matched));
        set('matchRemaining', money(p.matchPools.reduce(function (sum, pool) { return sum + (pool.open ? pool.remaining : 0); }, 0)));
      }
      var bar = block.querySelector('[role=progressbar]');
      if (bar) {
        var width = Math.min(100, p.percent);
        bar.setAttribute('aria-valuenow', String(Math.floor(width)));
        bar.setAttribute('aria-valuetext', p.percent + '% of the goal');
        bar.firstElementChild.style.width = barWidth(p) + '%';
      }
      block.setAttribute('data-raised', String(p.raised));
      block.setAttribute('data-donations', String(p.donations));
      var announce = block.querySelector('[data-announce]');
      if (announce && p.raised !== before) announce.textContent = money(p.raised) + ' raised, ' + p.percent + '% of the goal.';
    });
    // The offer goes once no sponsor has room left: it is not put back (a reload shows a new pool).
    var offer = document.querySelector('[data-match-offer]');
    if (offer && p.matchPools && !p.matchPools.some(function (pool) { return pool.open && pool.remaining > 0; })) offer.hidden = true;
    if (p.donations > donationsBefore) refreshSupporters();
  }
  var base = '/api/campaigns/' + encodeURIComponent(slug) + '/progress';
  // Polling, for when the stream is refused (the server caps live streams per address and in
  // total, answering 429/503) or has failed for good: the same numbers, every 15 seconds.
  var polling = null;
  function poll() {
    fetch(base, { headers: { Accept: 'application/json' } })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (p) { if (p) render(p); })
      .catch(function () { /* the next poll tries again */ });
  }
  var source = new EventSource(base + '/stream');
  source.addEventListener('progress', function (event) {
    try { render(JSON.parse(event.data)); } catch (e) { /* a malformed event is skipped */ }
  });
  // An EventSource retries a dropped stream by itself; a refused one (any status but 200) is
  // CLOSED and stays closed.
  source.addEventListener('error', function () {
    if (source.readyState !== EventSource.CLOSED || polling) return;
    poll();
    polling = setInterval(poll, 15000);
  });
})();
