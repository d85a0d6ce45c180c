// The reply form's extras. The page works without this file: Reply links
// fall back to ?replytocom=<id>#respond and the server keeps no commenter
// details, so "remember me" exists only where this script runs.
(function () {
  "use strict";

  // Report: the page has one report form; a Report link moves it under its
  // reply and points it at that reply. Without this script the link opens a
  // small page with the same form.
  var reportForm = document.getElementById("report-form");
  if (reportForm) {
    document.addEventListener("click", function (event) {
      var link = event.target.closest(".comment-report-link");
      if (!link) {
        return;
      }
      event.preventDefault();
      var actions = link.closest(".comment-actions");
      var open = !reportForm.hidden && reportForm.previousElementSibling === actions;
      reportForm.hidden = open;
      link.setAttribute("aria-expanded", String(!open));
      if (!open) {
        reportForm.action = link.href;
        actions.after(reportForm);
        reportForm.elements.reason.focus();
      }
    });
  }

  // Recommend: sent in the background and the count updated in place. Without
  // this script the form posts and the server brings the reader back to the reply.
  document.addEventListener("submit", function (event) {
    var recommendForm = event.target.closest(".recommend-form");
    if (!recommendForm || !window.fetch) {
      return;
    }
    event.preventDefault();
    var button = recommendForm.querySelector("button");
    button.disabled = true;
    window.fetch(recommendForm.action, {
      method: "POST",
      body: new FormData(recommendForm),
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json();
    }).then(function (data) {
      recommendForm.querySelector(".recommend-count").textContent = data.label;
      button.setAttribute("aria-pressed", "true");
      recommendForm.classList.add("recommended");
    }).catch(function () {
      button.disabled = false;
      recommendForm.submit(); // the page's own path, which says what went wrong
    });
  });

  var form = document.getElementById("commentform");
  if (!form) {
    return;
  }
  var respond = document.getElementById("respond");
  var parentField = form.elements.parent;
  var replyingTo = document.getElementById("replying-to");
  var replyingToName = document.getElementById("replying-to-name");
  var cancel = document.getElementById("cancel-reply");
  var summary = document.getElementById("error-summary");

  // Where the form goes back to when a reply is cancelled.
  var home = document.createElement("div");
  home.hidden = true;
  respond.before(home);

  function commentFor(id) {
    return id ? document.getElementById("comment-" + id) : null;
  }

  function moveUnder(comment, id, author) {
    comment.querySelector(":scope > .comment-actions").after(respond);
    parentField.value = id;
    replyingToName.textContent = author;
    replyingToName.href = "#comment-" + id;
    replyingTo.hidden = false;
  }

  function firstEmptyField() {
    var names = ["name", "email", "body"];
    for (var i = 0; i < names.length; i++) {
      // A staff member's form has the body alone; a signed-in reader's has no name or email field.
      if (form.elements[names[i]] && !form.elements[names[i]].value) {
        return form.elements[names[i]];
      }
    }
    return form.elements.body;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".comment-reply-link");
    if (!link) {
      return;
    }
    var comment = link.closest(".comment");
    if (!comment) {
      return;
    }
    event.preventDefault();
    var id = comment.id.slice("comment-".length);
    moveUnder(comment, id, comment.querySelector(".comment-author").textContent);
    firstEmptyField().focus();
  });

  if (cancel) {
    cancel.addEventListener("click", function (event) {
      event.preventDefault();
      var from = commentFor(parentField.value);
      home.after(respond);
      parentField.value = "";
      replyingTo.hidden = true;
      var link = from && from.querySelector(".comment-reply-link");
      (link || form.elements.name || form.elements.body).focus();
    });
  }

  // A reply re-rendered with errors, or opened from a ?replytocom link:
  // put the form back under the reply it answers.
  var answering = commentFor(parentField.value);
  if (answering && !replyingTo.hidden) {
    moveUnder(answering, parentField.value, replyingToName.textContent);
  }

  // The server never sends an email address back, not even on an error page,
  // so this tab keeps the one just typed until the page comes back.
  if (!form.elements.email) {
    if (summary) {
      summary.focus();
    }
    return; // a staff member's form: nothing typed to keep or remember
  }
  var EMAIL_KEY = "newsroom.email-in-flight";
  var emailField = form.elements.email; // none in a signed-in reader's form
  try {
    var typed = window.sessionStorage.getItem(EMAIL_KEY);
    window.sessionStorage.removeItem(EMAIL_KEY);
    if (summary && typed && emailField && !emailField.value) {
      emailField.value = typed;
    }
    form.addEventListener("submit", function () {
      if (emailField) {
        window.sessionStorage.setItem(EMAIL_KEY, emailField.value);
      }
    });
  } catch (error) {
    // storage disabled: the reader types the address again
  }

  if (summary) {
    summary.focus();
  }

  // Remember me: name, email and website stay in this browser only.
  var KEY = "newsroom.commenter";
  var REMEMBERED = ["name", "email", "website"];
  var remember = document.getElementById("remember-me");
  var storage = null;
  try {
    storage = window.localStorage;
    storage.getItem(KEY);
  } catch (error) {
    storage = null; // storage disabled: leave the checkbox hidden
  }
  if (!remember || !storage) {
    return;
  }
  remember.closest("p").hidden = false;
  var saved = null;
  try {
    saved = JSON.parse(storage.getItem(KEY) || "null");
  } catch (error) {
    storage.removeItem(KEY);
  }
  if (saved && typeof saved === "object") {
    REMEMBERED.forEach(function (name) {
      var field = form.elements[name];
      if (!field.value && typeof saved[name] === "string") {
        field.value = saved[name];
      }
    });
    remember.checked = true;
  }
  form.addEventListener("submit", function () {
    if (remember.checked) {
      var values = {};
      REMEMBERED.forEach(function (name) {
        values[name] = form.elements[name].value;
      });
      storage.setItem(KEY, JSON.stringify(values));
    } else {
      storage.removeItem(KEY);
    }
  });
})();
