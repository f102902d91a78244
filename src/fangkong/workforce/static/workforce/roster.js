// The roster page's print link (no inline handlers: see web/security.py).
document.addEventListener("click", (event) => {
  const link = event.target.closest(".print-page");
  if (link) {
    event.preventDefault();
    window.print();
  }
});
