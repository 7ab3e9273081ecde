/* Handover: the person picker's results as one types.

   Without this script the picker is a search box and a "Find" button that posts the form,
   which comes back with the results as radio buttons (core/picker.py). With it, a few
   letters typed fetch the same results from /people/find/ (by POST, with the form's CSRF
   token: what was typed never goes in a URL) and show them in place; a result chosen is
   the field's value, posted with the form. Enter in the search box searches at once
   instead of posting the whole form; Enter in another field sends the form as usual. */
(() => {
  "use strict";

  if (!window.fetch || !window.FormData) return;

  const WAIT_MS = 250;

  function setUp(picker) {
    if (picker.dataset.ready) return;
    picker.dataset.ready = "1";
    const box = picker.querySelector("input[type=search]");
    const results = picker.querySelector("[data-person-picker-results]");
    const form = picker.closest("form");
    const token = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    if (!box || !results || !token) return;
    let timer = null;
    let asked = 0;

    function chosen() {
      const radio = results.querySelector("input[type=radio]:checked");
      return radio ? radio.value : "";
    }

    async function search() {
      const query = box.value.trim();
      const body = new FormData();
      body.append("csrfmiddlewaretoken", token.value);
      body.append("scope", picker.dataset.scope);
      body.append("name", picker.dataset.name);
      body.append("id", picker.dataset.id);
      body.append("q", query);
      body.append("value", chosen());
      const number = ++asked;
      let response;
      try {
        response = await fetch(picker.dataset.url, {
          method: "POST",
          body,
          credentials: "same-origin",
          headers: { "X-Requested-With": "fetch" },
        });
      } catch (error) {
        return; // No connection: "Find" still works once there is one.
      }
      if (!response.ok || number !== asked) return;
      const html = await response.text();
      if (number !== asked) return;
      results.innerHTML = html;
    }

    box.addEventListener("input", () => {
      clearTimeout(timer);
      if (box.value.trim().length < 2) {
        results.innerHTML = "";
        return;
      }
      timer = setTimeout(search, WAIT_MS);
    });
    box.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        clearTimeout(timer);
        search();
      }
    });
  }

  document.querySelectorAll("[data-person-picker]").forEach(setUp);

  // Enter in any other field submits the form with its first submit button, which is a
  // picker's "Find": send the form with its own button instead, as the person meant.
  document.querySelectorAll("form").forEach((form) => {
    if (!form.querySelector("[data-person-picker]")) return;
    form.addEventListener("submit", (event) => {
      const submitter = event.submitter;
      if (!submitter || submitter.name !== "_find" || !form.requestSubmit) return;
      const active = document.activeElement;
      if (active === submitter || submitter.closest("[data-person-picker]").contains(active)) return;
      const own = form.querySelector("button[type=submit]:not([name=_find])");
      if (!own) return;
      event.preventDefault();
      form.requestSubmit(own);
    });
  });
})();
