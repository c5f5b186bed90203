// Progressive enhancement of the donation form. Without this file the form works as plain HTML;
// with it: the "other amount" field follows the preset buttons, the fee note shows the exact
// extra, fields are checked as the server checks them, and a second click cannot submit twice.
(function () {
  'use strict';
  var form = document.querySelector('[data-donate-form]');
  if (!form) return;
  var d = form.dataset;
  var decimals = Number(d.decimals || 2);
  var min = Number(d.min || 0);
  var max = Number(d.max || Infinity);
  var feeBps = Number(d.feeBps || 0);
  var feeFixed = Number(d.feeFixed || 0);
  var currency = (d.currency || 'usd').toUpperCase();
  var custom = form.querySelector('#custom_amount');
  var feeNote = form.querySelector('[data-fee-note]');
  var submit = form.querySelector('[data-submit]');
  var email = form.querySelector('#email');

  function parseAmount(text) {
    var m = /^\s*[$€£¥₩]?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*$/.exec(text || '');
    if (!m) return null;
    var fraction = m[2] || '';
    if (fraction.length > decimals) return null;
    while (fraction.length < decimals) fraction += '0';
    return Number(m[1].replace(/,/g, '') + fraction);
  }
  function format(minor) {
    try {
      return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency, minimumFractionDigits: decimals, maximumFractionDigits: decimals })
        .format(minor / Math.pow(10, decimals));
    } catch (e) {
      return (minor / Math.pow(10, decimals)).toFixed(decimals) + ' ' + currency;
    }
  }
  // Same integer model as src/money/fees.ts: smallest gross whose fee leaves the intended gift.
  function grossUp(intended) {
    var fee = function (g) { return Math.ceil((g * feeBps) / 10000) + feeFixed; };
    var gross = Math.ceil(((intended + feeFixed) * 10000) / (10000 - feeBps));
    while (gross - fee(gross) < intended) gross += 1;
    while (gross - 1 - fee(gross - 1) >= intended) gross -= 1;
    return gross;
  }
  function chosenAmount() {
    var radio = form.querySelector('input[name=amount]:checked');
    if (!radio || radio.value === 'custom') return parseAmount(custom.value);
    return parseAmount(radio.value);
  }
  function showError(input, id, message) {
    var existing = document.getElementById(id);
    if (!message) {
      if (existing) existing.remove();
      input.removeAttribute('aria-invalid');
      return;
    }
    if (!existing) {
      existing = document.createElement('p');
      existing.className = 'error';
      existing.id = id;
      existing.setAttribute('aria-live', 'polite');
      input.insertAdjacentElement('afterend', existing);
      input.setAttribute('aria-describedby', id);
    }
    existing.textContent = message;
    input.setAttribute('aria-invalid', 'true');
  }
  function checkAmount() {
    var amount = chosenAmount();
    var message = '';
    if (amount === null) message = custom.value.trim() ? 'Enter an amount like 25 or 25.50' : 'Choose or enter an amount';
    else if (amount < min) message = 'Must be at least ' + format(min);
    else if (amount > max) message = 'Must be at most ' + format(max);
    showError(custom, 'amount-error', message);
    return !message;
  }
  function checkEmail() {
    var ok = /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.value.trim());
    showError(email, 'email-error', ok ? '' : 'Must be a valid email address');
    return ok;
  }
  function updateFeeNote() {
    var amount = chosenAmount();
    if (!feeNote) return;
    feeNote.textContent = amount && amount >= min ? '(+' + format(grossUp(amount) - amount) + ', ' + format(grossUp(amount)) + ' in all)' : '';
  }

  form.addEventListener('change', function (event) {
    var t = event.target;
    if (t.name === 'amount' && t.value !== 'custom') custom.value = '';
    updateFeeNote();
  });
  custom.addEventListener('input', function () {
    var other = form.querySelector('input[name=amount][value=custom]');
    if (other && custom.value) other.checked = true;
    updateFeeNote();
  });
  custom.addEventListener('blur', checkAmount);
  email.addEventListener('blur', checkEmail);
  form.addEventListener('submit', function (event) {
    var ok = checkAmount() & checkEmail();
    if (!ok) {
      event.preventDefault();
      var firstInvalid = form.querySelector('[aria-invalid=true]');
      if (firstInvalid) firstInvalid.focus();
      return;
    }
    if (form.dataset.busy) {
      event.preventDefault();
      return;
    }
    form.dataset.busy = '1';
    submit.disabled = true;
    submit.setAttribute('aria-busy', 'true');
    submit.textContent = 'Taking you to secure checkout…';
  });
  // Back from Checkout via the browser's back button: the page may come from the bfcache.
  window.addEventListener('pageshow', function () {
    delete form.dataset.busy;
    submit.disabled = false;
    submit.removeAttribute('aria-busy');
    submit.textContent = 'Donate securely with Stripe';
  });
  updateFeeNote();
  var summary = document.getElementById('error-summary');
  if (summary) summary.focus();
})();
