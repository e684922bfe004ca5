// Submits a form marked data-autosubmit once the page has loaded: a long import goes on
// chunk after chunk by itself; without JavaScript the "Continue" button does the same.
document.querySelectorAll("form[data-autosubmit]").forEach((form) => form.submit());
