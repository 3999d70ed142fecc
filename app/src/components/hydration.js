(function (js, wasm) {
  // Until the app runs, a form is held, not sent by the browser itself, and submitted once the
  // app runs: the app shows its answer (a toast, the next step) or, for a search, moves to its
  // URL itself. A form marked `data-native-post` (the login form, whose answer is a redirect)
  // is sent by the browser at once.
  const held = new Set();
  const hold = (event) => {
    if (!event.target.hasAttribute('data-native-post')) {
      event.preventDefault();
      held.add(event.target);
    }
  };
  addEventListener('submit', hold, true);
  // What each field showed when the page was parsed (this module runs then), so the fields
  // the person changed are known: hydration sets every field to the app's state (the stored
  // value, or empty), which would drop those edits.
  const fields = () =>
    [...document.querySelectorAll('input, textarea, select')].filter(
      (field) => !['hidden', 'file', 'submit'].includes(field.type),
    );
  const parsed = new Map(fields().map((field) => [field, [field.value, field.checked]]));
  const changedFields = () =>
    fields()
      .filter((field) => {
        const [value, checked] = parsed.get(field) ?? ['', false];
        return field.value !== value || field.checked !== checked;
      })
      .map((field) => [field, field.value, field.checked]);
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    import(js)
      .then((app) => app.default({ module_or_path: wasm }).then(() => app))
      .then((app) => {
        const changed = changedFields();
        app.hydrate();
        // From here the app handles submits (the parts of a page that hydrate from data
        // already in it do so in the microtasks after this one, before any event). A held form
        // submitted again meanwhile is the app's now: it is not sent a second time.
        removeEventListener('submit', hold, true);
        const handled = (event) => held.delete(event.target);
        addEventListener('submit', handled, true);
        setTimeout(() => {
          removeEventListener('submit', handled, true);
          for (const [field, value, checked] of changed) {
            if (!field.isConnected) continue;
            field.value = value;
            field.checked = checked;
            field.dispatchEvent(new Event('input', { bubbles: true }));
            field.dispatchEvent(new Event('change', { bubbles: true }));
          }
          for (const form of held) if (form.isConnected) form.requestSubmit();
        }, 0);
      })
      .catch((error) => {
        // Without the app (WASM disabled, a failed download) forms go to the server as they
        // can; holding them would swallow every submit.
        removeEventListener('submit', hold, true);
        console.error('Portico could not start its app:', error);
      });
  };
  // requestAnimationFrame runs just before the next frame is painted; the timeout it sets runs
  // just after, so nothing is requested before the page is on screen. A tab opened in the
  // background paints nothing until shown: the second timer starts the app there anyway.
  requestAnimationFrame(() => setTimeout(start, 0));
  setTimeout(start, 500);
})
