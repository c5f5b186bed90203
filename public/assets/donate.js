// Progressive enhancement of the donation form. Without this file the form works as plain HTML;
// with it: the "other amount" field follows the preset buttons, the fee note shows the exact
// extra, the button states the gift ("Donate $51.81 monthly"), switching to monthly shows the
// monthly presets, fields are checked as the server checks them, and a second click cannot
// submit twice.
(function () {
  'use strict';
  document.documentElement.classList.add('js');
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
  var coverFees = form.querySelector('input[name=coverFees]');
  var makeMonthly = form.querySelector('[data-make-monthly]');

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
      return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency, minimumFractionDigits: minor % Math.pow(10, decimals) === 0 ? 0 : decimals, maximumFractionDigits: decimals })
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
  function monthly() {
    var radio = form.querySelector('input[name=frequency]:checked');
    return !!radio && radio.value === 'monthly';
  }
  function updateFeeNote() {
    var amount = chosenAmount();
    if (!feeNote) return;
    feeNote.textContent = amount && amount >= min ? '(+' + format(grossUp(amount) - amount) + ', ' + format(grossUp(amount)) + ' in all)' : '';
  }
  function buttonLabel() {
    var amount = chosenAmount();
    if (!amount || amount < min || amount > max) return 'Donate';
    var total = coverFees && coverFees.checked ? grossUp(amount) : amount;
    return 'Donate ' + format(total) + (monthly() ? ' monthly' : '');
  }
  function update() {
    updateFeeNote();
    if (!form.dataset.busy) submit.textContent = buttonLabel();
  }
  // With monthly presets of its own, a switch of frequency moves the choice to the preset in the
  // same place of the other row, so that the amount chosen is always one the donor can see.
  function followFrequency() {
    if (!form.hasAttribute('data-monthly-presets')) return;
    var shown = form.querySelectorAll('[data-kind=' + (monthly() ? 'monthly' : 'once') + '] input');
    var hidden = form.querySelectorAll('[data-kind=' + (monthly() ? 'once' : 'monthly') + '] input');
    var checked = form.querySelector('[data-kind=' + (monthly() ? 'once' : 'monthly') + '] input:checked');
    if (!checked || !shown.length) return;
    var index = Array.prototype.indexOf.call(hidden, checked);
    var options = shown;
    var next = options[Math.min(index, options.length - 1)];
    if (next) next.checked = true;
  }

  form.addEventListener('change', function (event) {
    var t = event.target;
    if (t.name === 'amount' && t.value !== 'custom') custom.value = '';
    if (t.name === 'frequency') followFrequency();
    update();
  });
  custom.addEventListener('input', function () {
    var other = form.querySelector('input[name=amount][value=custom]');
    if (other && custom.value) other.checked = true;
    update();
  });
  if (makeMonthly) {
    makeMonthly.hidden = false;
    makeMonthly.addEventListener('click', function () {
      var radio = form.querySelector('#frequency-monthly');
      radio.checked = true;
      followFrequency();
      update();
      radio.focus();
    });
  }
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
    update();
  });
  update();
  var summary = document.getElementById('error-summary');
  if (summary) summary.focus();
})();
