// Behaviour every page shares, kept out of the templates: the Content-Security-Policy refuses inline handlers.

// A <select data-autosubmit> submits its form when a choice is made (the figure on the map, the reason to see a person).
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]") && event.target.form) event.target.form.submit();
});
