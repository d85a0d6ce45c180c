// The moderators' workspace (/admin/moderate/): keys, and decisions without a page load.
// Every form here also works without this script (a POST and a redirect back).
(function () {
  "use strict";

  var workspace = document.getElementById("workspace");
  var announcer = document.getElementById("announce");
  if (!workspace) return;

  function announce(text) {
    // Cleared first, so the same words twice are read twice.
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 30);
  }

  function cards() { return Array.prototype.slice.call(workspace.querySelectorAll("article.card")); }
  function open() { return cards().filter(function (c) { return !c.classList.contains("decided"); }); }

  var current = null;
  function focusCard(card) {
    if (!card) return;
    if (current) current.classList.remove("current");
    current = card;
    card.classList.add("current");
    card.focus();
    card.scrollIntoView({ block: "nearest" });
  }
  function cardOf(node) { return node && node.closest ? node.closest("article.card") : null; }
  function step(delta, onlyOpen) {
    var list = onlyOpen ? open() : cards();
    if (!list.length) return null;
    var at = list.indexOf(current);
    if (at === -1) {
      // The current card left the open list (just decided): the next one after it in page order.
      var all = cards(), from = all.indexOf(current);
      for (var i = from + 1; i < all.length; i++) if (list.indexOf(all[i]) !== -1) return all[i];
      return list[list.length - 1];
    }
    return list[Math.max(0, Math.min(list.length - 1, at + delta))];
  }

  function setStatus(card, data) {
    var label = card.querySelector(".card-status");
    if (label && data.status_label) { label.textContent = data.status_label; label.dataset.status = data.status; }
    card.classList.toggle("decided", data.status !== "pending");
    card.querySelectorAll("input[name=expected]").forEach(function (i) { i.value = data.status; });
  }

  function post(form, submitter) {
    var body = new FormData(form);
    if (submitter && submitter.name) body.set(submitter.name, submitter.value);
    return fetch(form.getAttribute("action"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { data.httpStatus = response.status; return data; });
    });
  }

  function decide(form, submitter) {
    var card = cardOf(form);
    post(form, submitter).then(function (data) {
      announce(data.message);
      if (data.status) setStatus(card, data);
      if (data.ok || data.httpStatus === 409) {
        card.classList.remove("reject-open");
        focusCard(step(1, true) || card);
      } else {
        focusCard(card);
      }
    }).catch(function () { announce(workspace.dataset.failed || "The decision could not be sent. Try again."); });
  }

  function undo() {
    var form = workspace.querySelector("form.undo-form");
    post(form).then(function (data) {
      announce(data.message);
      if (data.id) {
        var card = document.getElementById("card-" + data.id);
        if (card) { setStatus(card, data); focusCard(card); }
      }
    });
  }

  // --- Bulk selection ---------------------------------------------------------------
  var bulk = document.getElementById("bulk-form"), lastClicked = null;
  function syncBulk() {
    if (!bulk) return;
    var chosen = cards().filter(function (c) { return c.querySelector(".select-card").checked; });
    cards().forEach(function (c) { c.classList.toggle("selected", chosen.indexOf(c) !== -1); });
    var ids = chosen.map(function (c) { return c.dataset.id; });
    bulk.querySelectorAll(".bulk-id").forEach(function (input) {
      input.disabled = ids.length > 0 && ids.indexOf(input.dataset.id) === -1;
    });
    var note = bulk.querySelector(".bulk-selected");
    note.hidden = !ids.length;
    note.textContent = ids.length ? ids.length + " ✓" : "";
  }
  workspace.addEventListener("click", function (event) {
    var box = event.target.closest && event.target.closest(".select-card");
    if (!box) return;
    var card = cardOf(box), list = cards();
    if (event.shiftKey && lastClicked) {
      var a = list.indexOf(lastClicked), b = list.indexOf(card);
      list.slice(Math.min(a, b), Math.max(a, b) + 1).forEach(function (c) {
        c.querySelector(".select-card").checked = box.checked;
      });
    }
    lastClicked = card;
    syncBulk();
  });

  // --- Forms --------------------------------------------------------------------------
  workspace.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList.contains("decide")) {
      event.preventDefault();
      decide(form, event.submitter);
    } else if (form.classList.contains("undo-form")) {
      event.preventDefault();
      undo();
    }
  });

  var help = workspace.querySelector(".help-toggle"), keys = document.getElementById("keys");
  function toggleHelp() {
    keys.hidden = !keys.hidden;
    help.setAttribute("aria-expanded", String(!keys.hidden));
  }
  help.addEventListener("click", toggleHelp);

  function openReject(card) {
    card.classList.add("reject-open");
    card.querySelector(".reject select").focus();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target, tag = target.tagName;
    if (tag === "SELECT" && target.name === "reason" && event.key === "Enter") {
      // Enter on the reason picker confirms the rejection (a select does not submit on its own).
      event.preventDefault();
      var form = target.form;
      form.requestSubmit(form.querySelector(".reject-button"));
      return;
    }
    if (event.key === "Escape" && (tag === "SELECT" || tag === "INPUT")) {
      var back = cardOf(target);
      if (back) { back.classList.remove("reject-open"); focusCard(back); }
      return;
    }
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || target.isContentEditable) return;
    var card = current && document.body.contains(current) ? current : open()[0];
    switch (event.key) {
      case "j": focusCard(step(1)); break;
      case "k": focusCard(step(-1)); break;
      case "a": if (card) card.querySelector("button.approve").click(); break;
      case "s": if (card) card.querySelector("button.spam").click(); break;
      case "r": if (card) openReject(card); break;
      case "u": undo(); break;
      case "x":
        if (card) { var box = card.querySelector(".select-card"); box.checked = !box.checked; lastClicked = card; syncBulk(); }
        break;
      case "b": if (card && card.dataset.drawerUrl) window.location.assign(card.dataset.drawerUrl); break;
      case "e": if (card) window.location.assign(card.dataset.changeUrl + "#id_body"); break;
      case "o": if (card) window.location.assign(card.dataset.changeUrl); break;
      case "?": toggleHelp(); break;
      default: return;
    }
    event.preventDefault();
  });

  workspace.addEventListener("focusin", function (event) {
    var card = cardOf(event.target);
    if (card && card !== current) { if (current) current.classList.remove("current"); current = card; card.classList.add("current"); }
  });

  focusCard(open()[0]);
})();
