// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  // Confirm destructive actions: <form data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // Unit pickers (core/widgets/picker.html). Without JavaScript the search box travels with
  // the form and the page comes back with the matches; with htmx the matches come as you
  // type. Typing must not also trigger the enclosing form's own htmx refresh, Enter and
  // "Tìm" search instead of submitting, and the down arrow goes to the first match.
  function search(box) {
    if (window.htmx) { window.htmx.trigger(box, "picker-search"); }
  }
  function bindPickers(root) {
    var boxes = root.querySelectorAll ? root.querySelectorAll(".picker-q") : [];
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.dataset.pickerBound || !window.htmx) { return; }
      box.dataset.pickerBound = "1";
      var stop = function (event) { event.stopPropagation(); };
      box.addEventListener("input", stop);
      box.addEventListener("change", stop);
      box.addEventListener("keydown", function (event) {
        var picker = box.closest(".picker");
        if (event.key === "Enter") {
          event.preventDefault();
          search(box);
        } else if (event.key === "ArrowDown" && picker) {
          var first = picker.querySelector(".picker-results input[type=radio]:checked") ||
            picker.querySelector(".picker-results input[type=radio]");
          if (first) { event.preventDefault(); first.focus(); }
        }
      });
      var go = box.parentNode.querySelector(".picker-go");
      if (go) {
        // No longer a submit button: Enter in the form's other fields submits it as before.
        go.type = "button";
        go.addEventListener("click", function () { search(box); });
      }
    });
  }
  if (window.htmx) {
    window.htmx.onLoad(bindPickers);
  } else {
    document.addEventListener("DOMContentLoaded", function () { bindPickers(document); });
  }
})();
