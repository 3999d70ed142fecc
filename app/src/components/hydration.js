(function (js, wasm) {
  // Until the app runs, a form it submits itself (one without an `action`) is held, not sent
  // by the browser as a GET with its fields (passwords too) in the URL.
  const held = new Set();
  const hold = (event) => {
    if (!event.target.hasAttribute('action')) {
      event.preventDefault();
      held.add(event.target);
    }
  };
  addEventListener('submit', hold, true);
  const typedFields = () =>
    [...document.querySelectorAll('input, textarea, select')]
      .filter((field) => !['hidden', 'checkbox', 'radio', 'file', 'submit'].includes(field.type))
      .map((field) => [field, field.value]);
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    return import(js)
      .then((app) => app.default({ module_or_path: wasm }).then(() => app))
      .then((app) => {
        const typed = typedFields();
        app.hydrate();
        // From here the app handles submits (no event runs before the parts of the page that
        // hydrate from already-resolved data, in the microtasks after this one).
        removeEventListener('submit', hold, true);
        setTimeout(() => {
          // Hydration sets fields to the app's state (empty): put back what was typed.
          for (const [field, value] of typed) {
            if (field.isConnected && value !== '' && field.value === '') {
              field.value = value;
              const kind = field.tagName === 'SELECT' ? 'change' : 'input';
              field.dispatchEvent(new Event(kind, { bubbles: true }));
            }
          }
          for (const form of held) if (form.isConnected) form.requestSubmit();
        }, 0);
      });
  };
  // requestAnimationFrame runs just before the next frame is painted; the timeout it sets runs
  // just after, so nothing is requested before the page is on screen. A tab opened in the
  // background paints nothing until shown: the second timer starts the app there anyway.
  requestAnimationFrame(() => setTimeout(start, 0));
  setTimeout(start, 500);
})
