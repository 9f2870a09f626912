/* Behaviour that used to sit in inline event handlers, which the Content-Security-Policy forbids:
 *   <select data-autosubmit>      submits its form on change (the language switch)
 *   <form data-confirm="问题">     asks before submitting
 *   <button data-print>           prints the page */
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) select.form.submit();
    });
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
