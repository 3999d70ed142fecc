// What a page without the app's code does in the browser (plain_page.rs). Everything it needs
// is in the markup the server rendered (data-* attributes, the fields' HTML constraints), so
// the rules themselves stay in Rust.
const byId = (id) => document.getElementById(id);

// A form's error came back in the URL (`?__path=...&__err=...`) and is on the page: what was
// typed in it (passwords excepted) is put back, as the app keeps it, and the address bar goes
// back to the page's own URL, so that reloading or sharing it does not repeat the error.
const KEPT = 'portico-form-sent';
// Storage may be blocked (privacy settings): then nothing is kept, and the rest still runs.
const storage = (use) => {
  try {
    return use(sessionStorage);
  } catch {
    return null;
  }
};
// Never a password, nor a field that was one before Show made it plain text, nor a hidden one.
const keepable = (field) =>
  field.name &&
  !/password/.test(field.autocomplete) &&
  !['password', 'hidden', 'submit', 'file'].includes(field.type);
{
  const url = new URL(location.href);
  const failed = url.searchParams.get('__path');
  const kept = storage((store) => {
    const value = JSON.parse(store.getItem(KEPT) ?? 'null');
    store.removeItem(KEPT);
    return value;
  });
  if (url.searchParams.has('__err')) {
    url.searchParams.delete('__err');
    url.searchParams.delete('__path');
    history.replaceState(history.state, '', url);
    for (const form of document.forms) {
      if (!kept || kept.action !== failed || new URL(form.action).pathname !== failed) continue;
      for (const [name, value] of kept.fields) {
        const field = form.elements.namedItem(name);
        // What was typed wins over what the page starts with (a name suggested at sign-up).
        if (field instanceof HTMLInputElement && keepable(field) && !field.readOnly) field.value = value;
      }
    }
    // The message is by the form's button, which a phone's screen can leave below the fold; it
    // is focused too, as an alert already in a loaded page is not reliably announced.
    const message = document.querySelector('.form-error[role="alert"]');
    if (message) {
      message.scrollIntoView({ block: 'center' });
      message.tabIndex = -1;
      message.focus({ preventScroll: true });
    }
  }
}

// The password rules, ticked as the password is typed, each by the pattern the domain gives it.
for (const list of document.querySelectorAll('[data-password-rules]')) {
  const input = byId(list.dataset.passwordRules);
  if (!input) continue;
  const rules = [...list.querySelectorAll('[data-pattern]')].map((item) => [
    item,
    new RegExp(item.dataset.pattern, 'u'),
  ]);
  const tick = () => {
    for (const [item, pattern] of rules) {
      const met = pattern.test(input.value);
      item.classList.toggle('met', met);
      item.querySelector('.tick').textContent = met ? '✓' : '•';
      item.querySelector('.visually-hidden').textContent = met ? ' (met)' : ' (not met yet)';
    }
  };
  input.addEventListener('input', tick);
  tick();
}

// Show / Hide: the password fields it names become plain text, and back.
for (const button of document.querySelectorAll('[data-shows]')) {
  const inputs = button.dataset.shows.split(' ').map(byId).filter(Boolean);
  button.addEventListener('click', () => {
    const visible = button.getAttribute('aria-pressed') !== 'true';
    button.setAttribute('aria-pressed', String(visible));
    button.textContent = visible ? 'Hide' : 'Show';
    for (const input of inputs) input.type = visible ? 'text' : 'password';
  });
}

// "The passwords differ", under a confirmation typed and not equal to the password.
for (const note of document.querySelectorAll('[data-differs]')) {
  const [password, confirmation] = note.dataset.differs.split(' ').map(byId);
  if (!password || !confirmation) continue;
  const check = () => {
    const differs = confirmation.value !== '' && confirmation.value !== password.value;
    note.hidden = !differs;
    confirmation.setAttribute('aria-invalid', String(differs));
  };
  password.addEventListener('input', check);
  confirmation.addEventListener('input', check);
  check();
}

// "Forgot your password?" carries the address typed so far.
for (const link of document.querySelectorAll('[data-carries-email]')) {
  const input = byId(link.dataset.carriesEmail);
  if (!input) continue;
  const base = link.getAttribute('href').split('?')[0];
  const update = () => {
    const typed = input.value.trim();
    link.href = typed ? `${base}?email=${encodeURIComponent(typed)}` : base;
  };
  input.addEventListener('input', update);
  update();
}

// An email address the browser finds malformed says why once typed (the server's own check,
// stricter, answers the submission).
for (const input of document.querySelectorAll('input[type="email"]:not([readonly])')) {
  const note = document.createElement('p');
  note.className = 'field-error';
  note.hidden = true;
  input.after(note);
  const check = () => {
    const bad = input.value.trim() !== '' && !input.validity.valid;
    note.hidden = !bad;
    note.textContent = bad ? `This email address is not valid. ${input.validationMessage}` : '';
    input.setAttribute('aria-invalid', String(bad));
  };
  input.addEventListener('input', check);
  check();
}

for (const form of document.forms) {
  // What is typed is kept for the round trip of an error (put back above).
  form.addEventListener('submit', () => {
    const fields = [...form.elements].filter(keepable).map((field) => [field.name, field.value]);
    const action = new URL(form.action).pathname;
    storage((store) => store.setItem(KEPT, JSON.stringify({ action, fields })));
  });
  const button = form.querySelector('button[type="submit"]');
  if (!button) continue;
  // A button the app would gate waits for valid fields, every rule met and the passwords equal.
  if (button.hasAttribute('data-gated')) {
    const ready = () =>
      form.checkValidity() &&
      !form.querySelector('[data-pattern]:not(.met), [data-differs]:not([hidden])');
    const gate = () => {
      button.disabled = !ready();
    };
    form.addEventListener('input', gate);
    gate();
  }
  // Sent once: a second click while the answer is on its way is ignored (a reset link is used
  // up by the first; a second sign-up would replace the first email's link). The button is not
  // disabled here, or the pressed button's name and value would be left out of the post.
  const label = button.textContent;
  let sent = false;
  form.addEventListener('submit', (event) => {
    if (sent) {
      event.preventDefault();
      return;
    }
    sent = true;
    if (button.dataset.pendingLabel) button.textContent = button.dataset.pendingLabel;
    button.setAttribute('aria-busy', 'true');
  });
  // Back to this page from the browser's cache: the form can be sent again.
  addEventListener('pageshow', (event) => {
    if (!event.persisted) return;
    sent = false;
    button.textContent = label;
    button.removeAttribute('aria-busy');
  });
}

// Tabs that are links (the invitation page's): Space chooses one, as it does a tab.
for (const tab of document.querySelectorAll('a[role="tab"]')) {
  tab.addEventListener('keydown', (event) => {
    if (event.key !== ' ') return;
    event.preventDefault();
    tab.click();
  });
}

// Browser tests wait for this before clicking (the app sets it once it has hydrated).
document.body.dataset.ready = 'true';
