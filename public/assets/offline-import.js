// The offline import form: reads the chosen CSV file into the text box the form posts, so staff
// pick the bank's file rather than paste it. Without this file, pasting works the same.
(function () {
  'use strict';
  var input = document.querySelector('input[type=file][data-csv-target]');
  if (!input || !window.FileReader) return;
  var target = document.getElementById(input.getAttribute('data-csv-target'));
  input.addEventListener('change', function () {
    var file = input.files && input.files[0];
    if (!file || !target) return;
    var reader = new FileReader();
    reader.onload = function () {
      target.value = String(reader.result);
    };
    reader.readAsText(file);
  });
})();
