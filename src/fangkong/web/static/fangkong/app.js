// Behaviour every page shares, kept out of the templates: the Content-Security-Policy refuses inline handlers.

// A <select data-autosubmit> submits its form when a choice is made (the figure on the map, the reason to see a person).
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]") && event.target.form) event.target.form.submit();
});

// Every register's table becomes cards on a phone (app.css): each cell carries its column's name, read from the
// table's header, so a new app's table needs nothing of its own. Tables htmx swaps in get theirs too.
function labelCells(root) {
  root.querySelectorAll("table.data").forEach((table) => {
    const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    if (!heads.length) return;
    table.querySelectorAll("tbody tr, tfoot tr").forEach((row) => {
      let column = 0;
      for (const cell of row.children) {
        if (!cell.hasAttribute("data-label") && heads[column]) cell.setAttribute("data-label", heads[column]);
        column += cell.colSpan || 1;
      }
    });
  });
}
document.addEventListener("DOMContentLoaded", () => labelCells(document));
document.addEventListener("htmx:load", (event) => labelCells(event.target));
