// khulasa review page: link claim cards and their highlights (evidence, speaker mention, cue).
// Everything static works without this.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  // Every highlight of the article: evidence (data-claims), speaker mentions (data-who), cues (data-cue).
  var marks = Array.prototype.slice.call(document.querySelectorAll("article mark"));
  var cards = Array.prototype.slice.call(document.querySelectorAll(".card[data-claim]"));
  var smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function list(mark, attr) { var v = mark.getAttribute(attr); return v ? v.split(" ") : []; }
  function idsOf(mark) { return list(mark, "data-claims").concat(list(mark, "data-who"), list(mark, "data-cue")); }
  function marksOf(id) { return marks.filter(function (m) { return idsOf(m).indexOf(id) >= 0; }); }
  function evidenceOf(id) { return marks.filter(function (m) { return list(m, "data-claims").indexOf(id) >= 0; }); }
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
      reveal(evidenceOf(id)[0]);
    });
    card.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); activate([id]); reveal(evidenceOf(id)[0]); }
    });
  });

  marks.forEach(function (mark) {
    mark.addEventListener("click", function () {
      // Evidence first: a mention shared by several claims opens the claim whose words these are.
      var ids = list(mark, "data-claims");
      if (!ids.length) { ids = idsOf(mark); }
      activate(ids);
      reveal(cardOf(ids[0]));
    });
  });

  document.addEventListener("keydown", function (event) { if (event.key === "Escape") { activate([]); } });
})();
