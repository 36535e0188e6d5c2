/* The review console's keyboard and one-request decisions.
 *
 * A decision (or j/k) is sent with fetch and the header X-Console-Swap; the server answers with the
 * next item's review page, already rendered and claimed, and its content replaces this one's. Without
 * this script every form and link still works (the server then redirects instead).
 * Keys never fire while the reviewer types in a text field.
 */
(function () {
  "use strict";

  var busy = false;
  var undoTimer = null;

  function review() { return document.getElementById("review"); }

  function isTyping(el) {
    if (!el || !el.tagName) { return false; }
    if (el.isContentEditable) { return true; }
    var tag = el.tagName;
    if (tag === "TEXTAREA") { return true; }
    if (tag === "SELECT") { return !el.hasAttribute("data-keys"); }
    if (tag !== "INPUT") { return false; }
    return ["checkbox", "radio", "button", "submit", "reset"].indexOf(el.type) === -1;
  }

  function showError(text) {
    var bar = document.getElementById("console-error");
    if (!bar) {
      bar = document.createElement("ul");
      bar.id = "console-error";
      bar.className = "messagelist";
      var main = document.getElementById("content-start") || document.body;
      main.insertBefore(bar, main.firstChild);
    }
    bar.textContent = "";
    var item = document.createElement("li");
    item.className = "error";
    item.textContent = text;
    bar.appendChild(item);
  }

  function setBusy(value) {
    busy = value;
    document.body.classList.toggle("console-busy", value);
  }

  function swapIn(html, url) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    if (!doc.getElementById("review")) { return false; }
    document.title = doc.title;
    // Only the page's own parts change: the header (and the admin's handlers on it) stays.
    var main = document.getElementById("content-start");
    var fresh = doc.getElementById("content-start");
    if (main && fresh) {
      main.replaceWith(document.adoptNode(fresh));
      var crumbs = document.querySelector(".breadcrumbs");
      var freshCrumbs = doc.querySelector(".breadcrumbs");
      if (crumbs && freshCrumbs) { crumbs.replaceWith(document.adoptNode(freshCrumbs)); }
      document.body.className = doc.body.className;
    } else {
      document.body.replaceWith(document.adoptNode(doc.body));
    }
    if (url && url !== window.location.pathname + window.location.search) {
      window.history.pushState({ console: true }, "", url);
    }
    init();
    return true;
  }

  function send(url, options) {
    if (busy) { return; }
    setBusy(true);
    options.headers = { "X-Console-Swap": "1" };
    options.credentials = "same-origin";
    fetch(url, options).then(function (response) {
      var location = response.headers.get("X-Location") || response.url;
      return response.text().then(function (html) {
        setBusy(false);
        if (swapIn(html, location)) { return; }
        if (response.ok) { window.location.assign(location); return; }
        showError("The server answered " + response.status + " " + response.statusText + "; nothing changed here.");
      });
    }).catch(function () {
      setBusy(false);
      showError("The console could not reach the server; nothing was sent. Try again.");
    });
  }

  function setMode(mode) {
    var root = review();
    if (!root) { return; }
    root.dataset.mode = mode;
    if (mode === "edit") {
      // After an edit the checks refused with soft failures, the confirmation is what comes next.
      var first = document.getElementById("confirm-soft") || document.getElementById("edit-subject") ||
        root.querySelector("input[name^='field:']");
      if (first) { first.focus(); if (first.select) { first.select(); } }
    } else if (mode === "reject") {
      var reason = document.getElementById("reason_code");
      if (reason) { reason.focus(); }
    } else if (document.activeElement && document.activeElement !== document.body) {
      document.activeElement.blur();
    }
    flagClamped();
  }

  // A field row whose value (or evidence) is cut short gets a "more" button under the field name that
  // opens the whole row in place; measured again when the columns change width (edit mode, resize).
  function flagClamped() {
    var rows = document.querySelectorAll("#diff tbody tr");
    Array.prototype.forEach.call(rows, function (row) {
      var name = row.querySelector("td.name");
      if (!name) { return; }
      var button = name.querySelector("button.more");
      var expanded = row.classList.contains("expanded");
      var clamped = Array.prototype.some.call(row.querySelectorAll(".value, .field-evidence > div"), function (el) {
        return el.scrollHeight > el.clientHeight + 1;
      });
      if (!button && (clamped || expanded)) {
        button = document.createElement("button");
        button.type = "button";
        button.className = "more";
        name.appendChild(button);
      }
      if (button) {
        button.hidden = !clamped && !expanded;
        button.textContent = expanded ? "less" : "more";
        button.setAttribute("aria-expanded", expanded ? "true" : "false");
      }
    });
  }

  function press(id) {
    var button = document.getElementById(id);
    if (button && !button.disabled) { button.click(); }
  }

  function follow(id) {
    var link = document.getElementById(id);
    if (link) { send(link.href, { method: "GET" }); }
  }

  // Every shortcut of the console, for "?". "where" says on which page a key acts: "review", "queue",
  // or a selector that must be on the page.
  var SHORTCUTS = [
    ["Review page", [
      ["a", "Approve", "#approve"],
      ["e", "Edit & approve (on a blocked item: edit to rescue it)", "#edit"],
      ["Ctrl+Enter", "Save the edit and approve (in edit mode)", "#save-edit"],
      ["r", "Reject: then 1\u20135 picks the reason, Enter rejects", "#reject"],
      ["1\u20139", "Tick or untick the CRM field of that row (its approval)", "input[name='approve_field'][data-key]"],
      ["f / F", "Next / previous passage a check flagged in the draft, its HTML part too (F: Shift+F)",
       "mark.flag, iframe[data-flags]"],
      ["j / k", "Next / previous item of the queue (items others hold are passed over)", "review"],
      ["u", "Undo your last decision while its grace period runs", "review"],
      ["Esc", "Cancel the edit or the rejection; close this list", "review"]
    ]],
    ["Queue page", [
      ["j", "Open the first item free for you", "queue"],
      ["/", "Search (names, companies, words of the subject or body, addresses, ids)", "queue"]
    ]],
    ["Everywhere", [["?", "This list of keys", "any"]]]
  ];

  function acts(where) {
    if (where === "any") { return true; }
    if (where === "review") { return Boolean(review()); }
    if (where === "queue") { return !review() && Boolean(document.getElementById("result_list")); }
    var el = document.querySelector(where);
    return Boolean(el) && !el.disabled;
  }

  function helpDialog() {
    var dialog = document.getElementById("keys-help");
    if (dialog) { dialog.remove(); }  // rebuilt: which keys act depends on the item shown
    dialog = document.createElement("dialog");
    dialog.id = "keys-help";
    dialog.className = "keys-help";
    dialog.setAttribute("aria-label", "Keyboard shortcuts");
    var title = document.createElement("h2");
    title.textContent = "Keyboard shortcuts";
    dialog.appendChild(title);
    SHORTCUTS.forEach(function (group) {
      var heading = document.createElement("h3");
      heading.textContent = group[0];
      dialog.appendChild(heading);
      var list = document.createElement("dl");
      group[1].forEach(function (entry) {
        var term = document.createElement("dt");
        entry[0].split(" / ").forEach(function (key, index) {
          if (index) { term.appendChild(document.createTextNode(" / ")); }
          var kbd = document.createElement("kbd");
          kbd.textContent = key;
          term.appendChild(kbd);
        });
        var text = document.createElement("dd");
        text.textContent = entry[1] + (acts(entry[2]) ? "" : " (not on this page)");
        if (!acts(entry[2])) { term.className = text.className = "inactive"; }
        list.appendChild(term);
        list.appendChild(text);
      });
      dialog.appendChild(list);
    });
    document.body.appendChild(dialog);
    return dialog;
  }

  function helpOpen() { var d = document.getElementById("keys-help"); return Boolean(d && d.open); }

  function showHelp() {
    var dialog = helpDialog();
    if (dialog.showModal) { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
  }

  function onQueueKey(event) {
    // On a queue page, j opens its first item free for this reviewer (the server passes over items
    // others hold) and / goes to the search box.
    if (isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var search = document.getElementById("searchbar");
    if (event.key === "/" && search) { event.preventDefault(); search.focus(); return; }
    var first = document.querySelector("#result_list tbody tr a");
    if (event.key === "j" && first) {
      event.preventDefault();
      var filters = window.location.search.slice(1);
      window.location.assign(window.location.pathname + "first/" +
        (filters ? "?_changelist_filters=" + encodeURIComponent(filters) : ""));
    }
  }

  // f / Shift+F: the next / previous passage a check flagged in the draft, outlined and scrolled to,
  // with what the check said. The HTML part's marks are inside its sandboxed frame, which no script
  // of the console can reach into: the frame lists them (data-flags), and a jump to one moves the
  // frame to the mark's fragment (about:srcdoc#id), which scrolls it there and outlines it (:target).
  function flagStops() {
    var stops = [];
    document.querySelectorAll("#review mark.flag, #review iframe[data-flags]").forEach(function (el) {
      if (el.tagName !== "IFRAME") { stops.push({ mark: el, title: el.title }); return; }
      var listed = [];
      try { listed = JSON.parse(el.dataset.flags); } catch (error) { listed = []; }
      listed.forEach(function (flag) { stops.push({ frame: el, id: flag.id, title: flag.title }); });
    });
    return stops;
  }

  function isCurrent(stop) {
    return stop.mark ? stop.mark.classList.contains("current") : stop.frame.dataset.currentFlag === stop.id;
  }

  function jumpFlag(step) {
    var stops = flagStops();
    if (!stops.length) { toast("No passage of this draft is flagged by a check."); return; }
    var current = stops.findIndex(isCurrent);
    var next = current === -1 ? (step > 0 ? 0 : stops.length - 1) : (current + step + stops.length) % stops.length;
    if (current !== -1) {
      var previous = stops[current];
      if (previous.mark) { previous.mark.classList.remove("current"); } else { delete previous.frame.dataset.currentFlag; }
    }
    var stop = stops[next];
    if (stop.mark) {
      var folded = stop.mark.closest("details");
      if (folded) { folded.open = true; }
      stop.mark.classList.add("current");
      stop.mark.scrollIntoView({ block: "nearest" });
    } else {
      stop.frame.dataset.currentFlag = stop.id;
      stop.frame.scrollIntoView({ block: "nearest" });
      // replace(): the jump adds no entry to the history (Back still leaves the page).
      try { stop.frame.contentWindow.location.replace("about:srcdoc#" + stop.id); } catch (error) { /* marked anyway */ }
    }
    toast((next + 1) + " of " + stops.length + " · " + stop.title);
  }

  function toggleField(key) {
    var box = document.querySelector("input[name='approve_field'][data-key='" + key + "']");
    if (!box || box.disabled) { return false; }
    box.click();
    return true;
  }

  function onKey(event) {
    if (helpOpen()) {
      if (event.key === "?") { event.preventDefault(); document.getElementById("keys-help").close(); }
      return;  // the dialog closes itself on Esc; no other key acts behind it
    }
    if (event.key === "?" && !isTyping(event.target) && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      showHelp();
      return;
    }
    var root = review();
    if (!root) { onQueueKey(event); return; }
    if (busy) {
      if (!event.ctrlKey && !event.metaKey && !event.altKey) { event.preventDefault(); }
      return;
    }
    var mode = root.dataset.mode;
    var target = event.target;
    if (event.key === "Escape") { setMode("view"); return; }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      press(mode === "reject" ? "reject" : mode === "edit" ? "save-edit" : "approve");
      return;
    }
    if (isTyping(target)) {
      if (event.key === "Enter" && target.tagName === "INPUT") {
        // Implicit submission would press the form's first button; say which decision is meant.
        event.preventDefault();
        press(target.form && target.form.id === "reject-form" ? "reject" : "save-edit");
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (mode === "reject") {
      var reason = document.getElementById("reason_code");
      if (/^[1-9]$/.test(event.key) && reason && Number(event.key) < reason.options.length) {
        event.preventDefault();
        reason.selectedIndex = Number(event.key);
        document.getElementById("note").focus();
        return;
      }
      if (event.key === "Enter") { event.preventDefault(); press("reject"); return; }
    }
    if (mode === "view" && /^[1-9]$/.test(event.key) && toggleField(event.key)) { event.preventDefault(); return; }
    var action = {
      a: function () { if (mode === "view") { press("approve"); } },
      e: function () { var edit = document.getElementById("edit"); if (edit && !edit.disabled) { setMode("edit"); } },
      r: function () { if (document.getElementById("reject")) { setMode("reject"); } },
      j: function () { follow("next"); },
      k: function () { follow("prev"); },
      u: undo,
      f: function () { jumpFlag(1); },
      F: function () { jumpFlag(-1); }
    }[event.key];
    if (action) { event.preventDefault(); action(); }
  }

  function onSubmit(event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-swap]")) { return; }
    event.preventDefault();
    if (busy) { return; }
    var submitter = event.submitter;
    if (submitter && submitter.value === "reject" && form.reason_code && !form.reason_code.value) {
      setMode("reject");
      showError("Choose a reason for the rejection (keys 1–5).");
      return;
    }
    // form.action would name the "action" buttons, not the URL (they share the name).
    send(form.getAttribute("action"), { method: "POST", body: new FormData(form, submitter) });
  }

  function onClick(event) {
    var target = event.target.closest ? event.target.closest("a[data-swap], #edit, #cancel-edit, #diff .more") : null;
    if (!target || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    event.preventDefault();
    if (target.classList.contains("more")) { target.closest("tr").classList.toggle("expanded"); flagClamped(); }
    else if (target.id === "edit") { setMode("edit"); }
    else if (target.id === "cancel-edit") { setMode("view"); }
    else { send(target.href, { method: "GET" }); }
  }

  // Past the grace period the bar stays, saying the decision stands; its button is disabled.
  function undoLate() {
    var bar = document.getElementById("undo-form");
    if (!bar) { return; }
    bar.classList.add("late");
    var live = bar.querySelector(".undo-live");
    var late = bar.querySelector(".undo-late");
    if (live) { live.hidden = true; }
    if (late) { late.hidden = false; }
    var button = document.getElementById("undo");
    if (button) { button.disabled = true; }
  }

  var toastTimer = null;

  // A short note at the foot of the window (floating: nothing on the page moves).
  function toast(text) {
    var note = document.getElementById("console-toast");
    if (!note) {
      note = document.createElement("div");
      note.id = "console-toast";
      note.className = "console-toast";
      note.setAttribute("role", "status");
      document.body.appendChild(note);
    }
    note.textContent = text;
    note.hidden = false;
    if (toastTimer) { window.clearTimeout(toastTimer); }
    toastTimer = window.setTimeout(function () { note.hidden = true; }, 4000);
  }

  function undo() {
    var button = document.getElementById("undo");
    if (button && !button.disabled) { button.click(); return; }
    var late = document.querySelector("#undo-form .undo-late");
    toast(late ? late.textContent : "Nothing to undo: no decision of yours is in its grace period.");
  }

  function startCountdown() {
    if (undoTimer) { window.clearInterval(undoTimer); undoTimer = null; }
    var counter = document.querySelector(".undo-bar .countdown");
    if (!counter) { return; }
    var deadline = Date.now() + Number(counter.textContent) * 1000;
    undoTimer = window.setInterval(function () {
      var left = Math.ceil((deadline - Date.now()) / 1000);
      if (left <= 0) {
        undoLate();
        window.clearInterval(undoTimer);
        undoTimer = null;
      } else {
        counter.textContent = String(left);
      }
    }, 250);
  }

  function init() {
    var search = document.getElementById("searchbar");
    if (!review()) {
      // The stock changelist focuses its search box; in a queue the keys are for the items.
      if (search && document.activeElement === search && !search.value) { search.blur(); }
      return;
    }
    // A page answering an edit the checks refused comes in edit mode, the reviewer's text kept.
    setMode(review().dataset.mode === "edit" ? "edit" : "view");
    startCountdown();
  }

  document.addEventListener("keydown", onKey);
  document.addEventListener("submit", onSubmit);
  document.addEventListener("click", onClick);
  window.addEventListener("resize", function () { if (review()) { flagClamped(); } });
  window.addEventListener("popstate", function () { window.location.reload(); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
