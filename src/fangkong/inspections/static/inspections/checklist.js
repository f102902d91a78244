// The inspection checklist on a phone: an item's severity, description and photos show only once it is marked
// failed, so a passing round is one tap per item. Without the script every field stays visible.
document.querySelectorAll("fieldset.check-item").forEach((item) => {
  const verdict = item.querySelector("select");
  const details = Array.from(item.querySelectorAll(".field")).slice(1);
  const show = () => details.forEach((field) => { field.style.display = verdict.value === "fail" ? "" : "none"; });
  verdict.addEventListener("change", show);
  show();
});
