// khulasa review page: link claim cards and evidence highlights. Everything static works without this.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  var marks = Array.prototype.slice.call(document.querySelectorAll("mark.ev"));
  var cards = Array.prototype.slice.call(document.querySelectorAll(".card[data-claim]"));
  var smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function idsOf(mark) { return mark.getAttribute("data-claims").split(" "); }
  function marksOf(id) { return marks.filter(function (m) { return idsOf(m).indexOf(id) >= 0; }); }
  function cardOf(id) { return document.getElementById("card-" + id); }
  function reveal(el) { if (el) { el.scrollIntoView({ block: "center", behavior: smooth ? "smooth" : "auto" }); } }

  function activate(ids) {
    marks.concat(cards).forEach(function (el) { el.classList.remove("active"); });
    ids.forEach(function (id) {
      marksOf(id).forEach(function (m) { m.classList.add("active"); });
      var card = cardOf(id);
      if (card) { card.classList.add("active"); }
    });
  }

  cards.forEach(function (card) {
    var id = card.getAttribute("data-claim");
    // Hover only highlights; scrolling under a moving pointer would be disorienting. Click also scrolls.
    card.addEventListener("mouseenter", function () { activate([id]); });
    card.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest("a")) { event.preventDefault(); }
      activate([id]);
      reveal(marksOf(id)[0]);
    });
    card.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); activate([id]); reveal(marksOf(id)[0]); }
    });
  });

  marks.forEach(function (mark) {
    mark.addEventListener("click", function () {
      var ids = idsOf(mark);
      activate(ids);
      reveal(cardOf(ids[0]));
    });
  });

  document.addEventListener("keydown", function (event) { if (event.key === "Escape") { activate([]); } });
})();
