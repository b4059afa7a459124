// Progressive enhancement only: every page works without JavaScript.
document.documentElement.classList.add("js");
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit")) {
    target.form.requestSubmit();
  }
});

// Entry form: show only the detail fields of the chosen type (all stay visible without JS).
function showTypeFields() {
  const select = document.getElementById("id_type");
  if (!select) return;
  document.querySelectorAll(".type-fields").forEach((group) => {
    group.hidden = group.dataset.type !== select.value;
  });
}
document.addEventListener("DOMContentLoaded", showTypeFields);
document.addEventListener("change", (event) => {
  if (event.target instanceof HTMLSelectElement && event.target.id === "id_type") showTypeFields();
});
