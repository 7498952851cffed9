// Accessibility fixes for content the book shows as it was stored: the quizzes' answer
// fields (jupyterquiz) have no label, so screen readers announce "edit text" only.
function rapprochementLabelInputs() {
  "use strict";
  document.querySelectorAll("input.Input-text").forEach(function (input) {
    if (!input.labels.length && !input.getAttribute("aria-label")) {
      input.setAttribute("aria-label", "Your answer (a number)");
    }
  });
}
document.addEventListener("DOMContentLoaded", rapprochementLabelInputs);
window.addEventListener("load", rapprochementLabelInputs);
