// Videos and posts from other sites load only when the reader asks (templates/blocks/embed.html).
(function () {
  "use strict";
  document.querySelectorAll("[data-embed]").forEach(function (box) {
    var button = box.querySelector("[data-embed-show]");
    var template = box.querySelector("template");
    if (!button || !template) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      box.classList.remove("embed--deferred");
      box.replaceChildren(template.content.cloneNode(true));
    });
  });
})();
