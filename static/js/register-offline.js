/* Handover: the register keeps working when the hall's Wi-Fi does not.

   Without this script the register is plain forms that post; with it, each tap becomes a
   queued action with a key made here, kept in IndexedDB (booking id, kind of tap, time,
   key: never a name) and sent in the order tapped, at once when there is a connection,
   else when it comes back (the "online" event and a retry every 20 seconds: Safari has no
   Background Sync). The server records a key once, so a tap sent twice is recorded once.

   What the tablet keeps, and for how long (README "The tablet register"): the queue, and
   one copy of today's register page (kept by register-worker.js). Everything goes on
   sign-out; the copy when the sign-in ends (30 minutes idle, or 12 hours); the queue at
   the end of the register's day, so that taps made while the sign-in ran out can be sent
   once the volunteer signs in again; and on the next page load after any of these. */
(() => {
  "use strict";

  const root = document.getElementById("offline");
  if (!root || !window.indexedDB || !window.fetch) return;

  const DB_NAME = "handover-register";
  const QUEUE = "queue";
  const META = "meta";
  const CACHE = "handover-register";
  const RETRY_MS = 20000;

  // The kinds of tap, in the order the plan runs, with the card's button labels and the
  // register's words for a recorded tap (attendance.models.Tap.Kind).
  const PLAN = [
    ["resident_arrived", "Resident arrived with child", "Resident parent arrived with the child"],
    ["resident_left", "Resident left", "Resident parent left"],
    ["visiting_arrived", "Visiting arrived", "Visiting parent arrived"],
    ["visiting_left", "Visiting left", "Visiting parent left"],
    ["resident_returned", "Resident returned", "Resident parent returned"],
    ["child_collected", "Child left", "Child left the centre"],
  ];
  const BUTTON = Object.fromEntries(PLAN.map(([kind, button]) => [kind, button]));
  const SAID = Object.fromEntries(PLAN.map(([kind, , said]) => [kind, said]));
  const SIGNED_OUT = "signed-out";

  const banner = document.getElementById("queue-banner");
  const pageNow = Number(root.dataset.now);
  let skew = pageNow - Date.now(); // add to the tablet's clock to get the server's
  let signedOut = false;
  let notGettingThrough = false; // the last attempt failed though the tablet is online
  let flushing = false;
  let signingOut = false;
  let db = null;

  // IndexedDB, in promises.

  function open() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(QUEUE, { keyPath: "seq", autoIncrement: true });
        request.result.createObjectStore(META);
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function store(name, mode, work) {
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(name, mode);
      const result = work(transaction.objectStore(name));
      transaction.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      transaction.onerror = () => reject(transaction.error);
    });
  }

  const entries = () => store(QUEUE, "readonly", (s) => s.getAll());
  const putEntry = (entry) => store(QUEUE, "readwrite", (s) => s.put(entry));
  const addEntry = (entry) => store(QUEUE, "readwrite", (s) => s.add(entry));
  const removeEntry = (seq) => store(QUEUE, "readwrite", (s) => s.delete(seq));
  const readMeta = () => store(META, "readonly", (s) => s.get("terms"));
  const writeMeta = (terms) => store(META, "readwrite", (s) => s.put(terms, "terms"));

  async function forgetCopy() {
    if (window.caches) await caches.delete(CACHE);
  }

  // Deletes everything the register keeps on this tablet: the queue, the copy of the
  // page and the worker that serves it.
  async function forgetEverything() {
    if (db) db.close();
    db = null;
    await new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(DB_NAME);
      request.onsuccess = request.onerror = request.onblocked = () => resolve();
    });
    await forgetCopy();
    if (navigator.serviceWorker) {
      const registrations = await navigator.serviceWorker.getRegistrations();
      await Promise.all(registrations.map((registration) => registration.unregister()));
    }
  }

  // The cards.

  const cards = () => Array.from(document.querySelectorAll("article[data-booking]"));
  const cardOf = (booking) => document.querySelector(`article[data-booking="${booking}"]`);
  // A time by the server's clock, as the register shows times: the centre's.
  const hhmm = (serverMs) =>
    new Date(serverMs).toLocaleTimeString("en-GB", {
      hour: "2-digit",
      minute: "2-digit",
      timeZone: "Europe/London",
    });

  function onSite(kinds) {
    const present = new Set();
    for (const kind of kinds) {
      if (kind === "resident_arrived") ["resident", "child"].forEach((p) => present.add(p));
      else if (kind === "resident_returned") present.add("resident");
      else if (kind === "resident_left") present.delete("resident");
      else if (kind === "visiting_arrived") present.add("visiting");
      else if (kind === "visiting_left") present.delete("visiting");
      else if (kind === "child_collected") ["child", "resident"].forEach((p) => present.delete(p));
    }
    return present;
  }

  // attendance/views/register.py _next_actions, on the taps recorded and those waiting.
  function sensible(kinds, present) {
    const done = new Set(kinds);
    return {
      resident_arrived: !done.has("resident_arrived"),
      resident_left: present.has("resident") && !done.has("resident_returned"),
      visiting_arrived: !present.has("visiting") && !done.has("visiting_arrived"),
      visiting_left: present.has("visiting"),
      resident_returned:
        done.has("resident_arrived") && !present.has("resident") && present.has("child"),
      child_collected: present.has("child"),
    };
  }

  // The warnings that keep the parents apart, worked out here while the taps wait; the
  // server works them out again from every tablet's taps when they arrive.
  function warning(kind, present) {
    if (kind === "visiting_arrived" && present.has("resident")) {
      return "The resident parent is still on site: keep the visiting parent apart.";
    }
    if (kind === "resident_returned" && present.has("visiting")) {
      return "The visiting parent has not left yet: keep the resident parent apart.";
    }
    return "";
  }

  function element(tag, attributes = {}, text = "") {
    const made = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
    if (text) made.textContent = text;
    return made;
  }

  function tapForm(card, kind) {
    const form = element("form", { method: "post", action: card.dataset.tapUrl, "data-made": "" });
    form.append(element("button", { class: "btn", type: "submit", name: "kind", value: kind }, BUTTON[kind]));
    return form;
  }

  function collectForm(card) {
    const pk = card.dataset.booking;
    const details = element("details", { class: "more", "data-made": "" });
    details.append(element("summary", { class: "btn" }, "Child left with…"));
    const form = element("form", { method: "post", action: card.dataset.tapUrl });
    form.append(element("label", { for: `with-made-${pk}` }, "Child left with"));
    const select = element("select", { id: `with-made-${pk}`, name: "collected_by", required: "" });
    select.append(element("option", { value: "" }, "Choose who"));
    for (const name of card.dataset.collect.split("|").filter(Boolean)) {
      select.append(element("option", {}, name));
    }
    form.append(select);
    form.append(element("button", { class: "btn", type: "submit", name: "kind", value: "child_collected" }, BUTTON.child_collected));
    details.append(form);
    return details;
  }

  function render(all) {
    for (const card of cards()) {
      const booking = Number(card.dataset.booking);
      const mine = all.filter((entry) => entry.booking === booking);
      const waiting = mine.filter((entry) => entry.state === "waiting");
      const recorded = card.dataset.done.split(" ").filter(Boolean);
      const kinds = recorded.concat(waiting.filter((e) => e.action === "tap").map((e) => e.kind));
      const absent = card.dataset.absent === "1" || waiting.some((e) => e.action === "absent");
      const present = onSite(kinds);

      let list = card.querySelector("ol.queued");
      if (list) list.remove();
      if (mine.length) {
        list = element("ol", { class: "queued taps", "aria-label": "Waiting to send" });
        let before = onSite(recorded);
        for (const entry of mine) {
          const item = element("li", { class: entry.state });
          const what = entry.action === "absent" ? "Marked absent" : SAID[entry.kind];
          item.append(element("time", {}, hhmm(entry.tappedAt)), ` ${what}: `);
          if (entry.state === "waiting") {
            item.append(element("strong", {}, "waiting to send"));
            const said = entry.action === "tap" ? warning(entry.kind, before) : "";
            if (said) item.append(element("span", { class: "warn", role: "alert" }, ` ${said}`));
            if (entry.action === "tap") before = onSite(kindsUpTo(recorded, waiting, entry));
          } else {
            item.append(element("strong", {}, "not recorded. "), entry.message || "");
            const dismiss = element("button", { class: "btn quiet", type: "button", "data-dismiss": String(entry.seq) }, "Seen");
            item.append(" ", dismiss);
          }
          list.append(item);
        }
        const state = card.querySelector(".state");
        (state || card.querySelector(".plan")).after(list);
      }

      const state = card.querySelector(".state");
      if (state && waiting.length) {
        const labels = { resident: "resident parent", child: "child", visiting: "visiting parent" };
        const here = ["resident", "child", "visiting"].filter((p) => present.has(p));
        state.textContent = absent
          ? "Absent (waiting to send)"
          : here.length
            ? `On site now: ${here.map((p) => labels[p]).join(", ")}`
            : "Nobody from this family is on site now.";
      }

      // The buttons: those the merged taps make sensible, as the server would draw them.
      if (!waiting.length) continue;
      const now = sensible(kinds, present);
      let actions = card.querySelector(".actions");
      if (!actions) {
        actions = element("div", { class: "actions" });
        (card.querySelector("ol.queued") || state).after(actions);
      }
      for (const [kind] of PLAN.slice(0, 5)) {
        const button = card.querySelector(`.actions button[value="${kind}"]`);
        const wanted = now[kind] && !absent;
        if (button) button.closest("form").hidden = !wanted;
        else if (wanted) actions.append(tapForm(card, kind));
      }
      let collect = card.querySelector('details button[value="child_collected"]');
      collect = collect && collect.closest("details");
      if (collect) collect.hidden = !(now.child_collected && !absent);
      else if (now.child_collected && !absent) actions.after(collectForm(card));
      const absence = card.querySelector('form[action$="/absent/"]');
      if (absence) absence.closest("details").hidden = true;
    }
  }

  // Who is on site after the recorded taps and the waiting ones up to ``entry``.
  function kindsUpTo(recorded, waiting, entry) {
    const upTo = waiting.filter((e) => e.action === "tap" && e.seq <= entry.seq).map((e) => e.kind);
    return recorded.concat(upTo);
  }

  function showBanner(all) {
    const waiting = all.filter((entry) => entry.state === "waiting").length;
    const refused = all.filter((entry) => entry.state === "refused").length;
    banner.replaceChildren();
    if (!waiting && !refused) {
      banner.hidden = true;
      return;
    }
    const parts = [];
    if (waiting) {
      parts.push(
        `${waiting} tap${waiting === 1 ? "" : "s"} waiting to send. ` +
          (signedOut
            ? "You have been signed out: sign in again and they will be sent."
            : !navigator.onLine
              ? "No connection: they will be sent when it is back."
              : notGettingThrough
                ? "The connection is not getting through: the tablet tries again every 20 seconds."
                : "Sending…"),
      );
    }
    if (refused) {
      parts.push(`${refused} tap${refused === 1 ? " was" : "s were"} not recorded: see the card.`);
    }
    banner.append(parts.join(" "));
    if (signedOut && waiting) {
      banner.append(" ", element("a", { class: "btn", href: root.dataset.signInUrl }, "Sign in again"));
    }
    banner.hidden = false;
  }

  async function refresh() {
    if (!db) return [];
    const all = await entries();
    render(all);
    showBanner(all);
    return all;
  }

  // Sending.

  async function freshToken() {
    const response = await fetch(root.dataset.tokenUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      redirect: "manual",
      cache: "no-store",
    });
    if (response.type === "opaqueredirect" || response.status === 302) throw SIGNED_OUT;
    if (!response.ok) throw new Error(`token: HTTP ${response.status}`);
    const answer = await response.json();
    await writeMeta({ ...(await readMeta()), sessionEnds: answer.session_ends - skew });
    return answer.csrf;
  }

  async function send(entry, token) {
    const body = new URLSearchParams({ token: entry.key, tapped_at: String(entry.tappedAt) });
    if (entry.offline) body.set("offline", "1");
    if (entry.confirmed) body.set("confirmed", "1");
    if (entry.action === "absent") body.set("reason", entry.reason);
    else body.set("kind", entry.kind);
    if (entry.collect !== undefined) {
      body.set("collect", String(entry.collect));
      body.set("collect_count", String(entry.collectCount));
    }
    const response = await fetch(entry.url, {
      method: "POST",
      body,
      headers: { Accept: "application/json", "X-CSRFToken": token },
      credentials: "same-origin",
      redirect: "manual",
    });
    if (response.type === "opaqueredirect") return { outcome: SIGNED_OUT };
    if ((response.headers.get("Content-Type") || "").startsWith("application/json")) {
      return response.json();
    }
    return { outcome: "http", status: response.status };
  }

  async function markOffline(waiting) {
    notGettingThrough = true;
    for (const entry of waiting) {
      if (!entry.offline) await putEntry({ ...entry, offline: true });
    }
  }

  async function flush() {
    if (flushing || signingOut || !db) return;
    flushing = true;
    let recorded = 0;
    let lastCard = null;
    try {
      const waiting = (await entries()).filter((entry) => entry.state === "waiting");
      if (!waiting.length) return;
      let token;
      try {
        token = await freshToken();
        signedOut = false;
        notGettingThrough = false;
      } catch (problem) {
        signedOut = problem === SIGNED_OUT;
        await markOffline(waiting);
        return;
      }
      for (const [number, entry] of waiting.entries()) {
        let answer;
        try {
          answer = await send(entry, token);
          if (answer.outcome === "http" && answer.status === 403) {
            token = await freshToken(); // the token may have changed with a new sign-in
            answer = await send(entry, token);
          }
        } catch (problem) {
          signedOut = problem === SIGNED_OUT;
          await markOffline(waiting.slice(number));
          break;
        }
        if (answer.outcome === "recorded" || answer.outcome === "already") {
          await removeEntry(entry.seq);
          recorded += 1;
          lastCard = entry.booking;
        } else if (answer.outcome === "refused") {
          await putEntry({ ...entry, state: "refused", message: answer.message });
        } else if (answer.outcome === SIGNED_OUT) {
          signedOut = true;
          break;
        } else if (answer.status === 403) {
          await putEntry({
            ...entry,
            state: "refused",
            message: "This account may not keep the register. Tell the staff member on duty.",
          });
        } else {
          break; // the server is struggling: try again later, in the same order
        }
      }
    } finally {
      flushing = false;
      const all = await refresh();
      const left = all.filter((entry) => entry.state === "waiting").length;
      const busy = document.activeElement && document.activeElement.matches("input, select, textarea");
      // Show the register as the server has it now: every tablet's taps, in order.
      if (recorded && !left && !busy && !signingOut) {
        // Back to the family's card, as a form post would have come back to it.
        window.history.replaceState(null, "", `#booking-${lastCard}`);
        window.location.reload();
      }
    }
  }

  // Taps.

  async function queue(form, submitter) {
    const card = form.closest("article[data-booking]");
    const entry = {
      key: crypto.randomUUID ? crypto.randomUUID() : fallbackUUID(),
      booking: Number(card.dataset.booking),
      url: form.action,
      tappedAt: Date.now() + skew,
      offline: !navigator.onLine,
      state: "waiting",
    };
    if (form.action.endsWith("/absent/")) {
      entry.action = "absent";
      entry.reason = form.elements.reason.value;
    } else {
      entry.action = "tap";
      entry.kind = submitter.value;
      if (form.dataset.confirmUntil && entry.tappedAt < Number(form.dataset.confirmUntil)) {
        entry.confirmed = true;
      }
      if (entry.kind === "child_collected") {
        const names = card.dataset.collect.split("|").filter(Boolean);
        entry.collect = names.indexOf(form.elements.collected_by.value);
        entry.collectCount = names.length;
      }
    }
    await addEntry(entry);
    await refresh();
    flush().catch(() => {});
  }

  function fallbackUUID() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  // Words the volunteer types (a name under "Someone else", the note for "Other") are
  // never kept on the tablet: with a connection they go as a plain form post.
  function typedWords(form, submitter) {
    if (form.action.endsWith("/absent/")) return form.elements.reason.value === "other";
    if (submitter && submitter.value === "child_collected") {
      const card = form.closest("article[data-booking]");
      const names = card.dataset.collect.split("|").filter(Boolean);
      return !names.includes(form.elements.collected_by.value);
    }
    return false;
  }

  function say(form, words) {
    const card = form.closest("article[data-booking]");
    let note = card.querySelector(".notice.made");
    if (!note) {
      note = element("p", { class: "notice error made", role: "alert" });
      card.querySelector("h2").after(note);
    }
    note.textContent = words;
  }

  // An arrival more than an hour before the session asks first: with a connection the
  // server's page asks (a plain post); without, the card asks, and a second tap within a
  // minute queues it as confirmed. The tap keeps its own time, so one queued within the
  // hour is not asked about again when it is sent later.
  const ARRIVALS = ["resident_arrived", "visiting_arrived"];
  const CONFIRM_FOR = 60 * 1000;

  function clock(moment) {
    return new Date(moment - skew).toTimeString().slice(0, 5);
  }

  function asksFirst(form, submitter) {
    if (!submitter || !ARRIVALS.includes(submitter.value)) return "";
    const now = Date.now() + skew;
    const earlyUntil = Number(root.dataset.earlyUntil);
    if (!earlyUntil || now >= earlyUntil) return "";
    if (form.dataset.confirmUntil && now < Number(form.dataset.confirmUntil)) return "";
    if (navigator.onLine && !signedOut) return "post";
    form.dataset.confirmUntil = String(now + CONFIRM_FOR);
    const starts = clock(earlyUntil + 60 * 60 * 1000);
    say(
      form,
      `It is ${clock(now)} and this session starts at ${starts}: nothing is recorded yet. ` +
        "Tap the arrival again to record it anyway.",
    );
    return "asked";
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.matches(".who form")) {
      signOut(event, form);
      return;
    }
    // An undo is never queued: replayed later, it could undo a tap recorded since.
    if (/\/undo-tap\/$/.test(form.action) && !navigator.onLine) {
      event.preventDefault();
      say(
        form,
        "Undo needs the connection: nothing was undone. Try again when the connection is " +
          "back, or tell the staff member on duty.",
      );
      return;
    }
    const card = form.closest("article[data-booking]");
    if (!db || !card || !/\/(tap|absent)\/$/.test(form.action)) return;
    const asked = asksFirst(form, event.submitter);
    if (asked === "post") return; // the server's page asks
    if (asked) {
      event.preventDefault();
      return;
    }
    if (typedWords(form, event.submitter)) {
      if (navigator.onLine && !signedOut) return; // posted as it always was
      event.preventDefault();
      say(
        form,
        "With no connection the tablet cannot keep typed words (a name, a note). Choose " +
          "from the list, or tell the staff member on duty and record it when the " +
          "connection is back.",
      );
      return;
    }
    event.preventDefault();
    const submitter = event.submitter;
    queue(form, submitter).catch(() => {
      // Storage failed: post the form as it would be without this script.
      if (submitter && submitter.name) {
        form.append(element("input", { type: "hidden", name: submitter.name, value: submitter.value }));
      }
      form.submit();
    });
  });

  document.addEventListener("click", (event) => {
    const seen = event.target.closest("[data-dismiss]");
    if (!seen) return;
    removeEntry(Number(seen.dataset.dismiss)).then(refresh, () => {});
  });

  // Signing out: taps still waiting cannot be sent afterwards.

  function signOutDialog(waiting) {
    const dialog = element("dialog", { class: "sign-out", "aria-labelledby": "sign-out-title" });
    dialog.append(element("h2", { id: "sign-out-title" }, `${waiting.length} tap${waiting.length === 1 ? " has" : "s have"} not been sent`));
    dialog.append(
      element(
        "p",
        {},
        "Once you sign out they cannot be sent: they are deleted from this tablet and the " +
          "register will not have them. These will be lost:",
      ),
    );
    const list = element("ul");
    for (const entry of waiting) {
      const card = cardOf(entry.booking);
      const family = card ? card.querySelector("h2").textContent : "A family";
      const what = entry.action === "absent" ? "Marked absent" : SAID[entry.kind];
      list.append(element("li", {}, `${hhmm(entry.tappedAt)} ${family}: ${what}`));
    }
    dialog.append(list);
    const status = element("p", { role: "status", class: "small" });
    dialog.append(status);
    const buttons = element("div", { class: "actions" });
    const sendFirst = element("button", { class: "btn primary", type: "button", value: "send" }, "Send them first");
    const lose = element("button", { class: "btn", type: "button", value: "lose" }, "Sign out and lose them");
    const stay = element("button", { class: "btn quiet", type: "button", value: "stay" }, "Stay signed in");
    buttons.append(sendFirst, lose, stay);
    dialog.append(buttons);
    document.body.append(dialog);
    return { dialog, status, sendFirst, lose, stay };
  }

  async function leave(form) {
    signingOut = true;
    await forgetEverything();
    form.submit();
  }

  async function signOut(event, form) {
    if (signingOut) return;
    event.preventDefault();
    const waiting = db ? (await entries()).filter((entry) => entry.state === "waiting") : [];
    if (!waiting.length) {
      await leave(form);
      return;
    }
    const { dialog, status, sendFirst, lose, stay } = signOutDialog(waiting);
    const close = () => {
      dialog.close();
      dialog.remove();
    };
    stay.addEventListener("click", close);
    lose.addEventListener("click", () => leave(form));
    sendFirst.addEventListener("click", async () => {
      status.textContent = "Sending…";
      await flush();
      const left = (await entries()).filter((entry) => entry.state === "waiting");
      if (!left.length) {
        await leave(form);
      } else {
        status.textContent = navigator.onLine && !signedOut
          ? `${left.length} could not be sent yet. Try again, or sign out and lose them.`
          : `There is no connection, so ${left.length} cannot be sent now. Wait for the ` +
            "connection, or sign out and lose them.";
      }
    });
    dialog.showModal();
  }

  // While the page stays open: the copy goes when the sign-in ends, everything when the
  // register's day does.
  async function checkTerms() {
    if (!db || signingOut) return;
    const terms = await readMeta();
    if (!terms) return;
    if (Date.now() > terms.dayEnds) {
      await forgetEverything(); // the register's day is over
      window.location.reload();
    } else if (Date.now() > terms.sessionEnds) {
      await forgetCopy();
    }
  }

  // Starting: forget what has outlived its time, then show and send what waits.

  async function start() {
    db = await open();
    const before = await readMeta();
    const isCopy = before && before.pageNow === pageNow; // this page came from the copy
    if (isCopy) skew = before.skew;
    const terms = isCopy
      ? before
      : {
          pageNow,
          skew,
          dayEnds: Number(root.dataset.dayEnds) - skew,
          sessionEnds: Number(root.dataset.sessionEnds) - skew,
        };
    // A fresh page from the server has just replaced the copy (register-worker.js).
    if (before && Date.now() > before.dayEnds) {
      await store(QUEUE, "readwrite", (s) => s.clear()); // the day is over: its queue goes
      if (isCopy) await forgetCopy();
    } else if (isCopy && Date.now() > before.sessionEnds) {
      await forgetCopy(); // the sign-in ended: the names go, the queue waits for sign-in
    }
    await writeMeta(terms);
    if (navigator.serviceWorker && window.isSecureContext) {
      navigator.serviceWorker.register(root.dataset.workerUrl, { scope: "/sessions/" }).catch(() => {});
    }
    setInterval(() => checkTerms().catch(() => {}), 30000);
    await refresh();
    const send = () => flush().catch(() => {});
    send();
    window.addEventListener("online", send);
    window.addEventListener("offline", () => refresh().catch(() => {}));
    setInterval(send, RETRY_MS);
  }

  // Without storage (a private window that refuses it) the page stays plain forms.
  start().catch(() => {
    db = null;
  });
})();
