// The client side of scripts/replicas.sh: a load of logins, lists and invites sent through the
// reverse proxy in front of two replicas, and the report of what became of it. Node.js alone,
// no packages.
//
//   node scripts/replicas.mjs load   PROXY_URL SECONDS USERS OUT.json
//   node scripts/replicas.mjs report OUT.json EVENTS.log STORED.txt OUTBOX.txt MAILDEV_URL REPORT.md [METRICS.txt]
//
// `load` runs USERS virtual admins for SECONDS. Each logs in (a new session, kept), then loops:
// lists its invitations (six in ten), invites five new addresses (three in ten), logs in again
// (one in ten). Every request is recorded with its start, end, status and the replica that
// answered it (the proxy's `X-Replica` header: the upstream address or addresses it tried). At
// the end every session made before the kill is asked who it belongs to, through the proxy.
//
// `report` joins that record with the kill and restart times written by the shell script, the
// invitations the database stored, the outbox's final state, the emails maildev received and
// the live replica's /metrics (each SMTP transaction, and how long each email's last line waited
// for its row's update),
// and writes the markdown table of BENCHMARKS.md's "Replicas behind a proxy".

import { readFileSync, writeFileSync } from "node:fs";

const ADMIN_EMAIL = process.env.PORTICO_ADMIN_EMAIL ?? "admin@replicas.test";
const ADMIN_PASSWORD = process.env.PORTICO_ADMIN_PASSWORD ?? "Replica-Pw-12";
const ADDRESS_DOMAIN = "replicas.test";

const [mode, ...args] = process.argv.slice(2);
if (mode === "load") await load(...args);
else if (mode === "report") await report(...args);
else {
  console.error("usage: replicas.mjs load|report ...");
  process.exit(2);
}

async function call(proxy, path, form, cookie) {
  const started = Date.now();
  const record = { path, started, ended: 0, status: 0, replica: "", error: "" };
  let response;
  try {
    response = await fetch(proxy + path, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        ...(cookie ? { cookie } : {}),
      },
      body: new URLSearchParams(form).toString(),
      redirect: "manual",
    });
    record.status = response.status;
    record.replica = response.headers.get("x-replica") ?? "";
    record.body = await response.text();
  } catch (error) {
    record.error = String(error.cause ?? error);
  }
  record.ended = Date.now();
  return { record, response };
}

async function load(proxy, seconds, users, out) {
  const deadline = Date.now() + Number(seconds) * 1000;
  const requests = [];
  const sessions = [];
  const invited = [];
  let sequence = 0;

  const login = async () => {
    const { record, response } = await call(proxy, "/api/login", {
      email: ADMIN_EMAIL,
      password: ADMIN_PASSWORD,
    });
    requests.push(strip(record, "login"));
    if (record.status !== 200) return null;
    const cookie = response.headers.get("set-cookie")?.split(";")[0];
    if (cookie) sessions.push({ cookie, made: record.ended, replica: record.replica });
    return cookie ?? null;
  };

  const user = async (n) => {
    let cookie = await login();
    while (Date.now() < deadline) {
      const roll = Math.random();
      if (!cookie || roll < 0.1) {
        cookie = (await login()) ?? cookie;
      } else if (roll < 0.4) {
        const emails = [];
        for (let i = 0; i < 5; i++) emails.push(`u${n}-${sequence++}@${ADDRESS_DOMAIN}`);
        const { record } = await call(proxy, "/api/invite", { emails: emails.join(";") }, cookie);
        requests.push(strip(record, "invite"));
        invited.push({ emails, status: record.status });
      } else {
        const { record } = await call(proxy, "/api/list_invitations", {}, cookie);
        requests.push(strip(record, "list"));
      }
    }
  };
  await Promise.all(Array.from({ length: Number(users) }, (_, n) => user(n)));

  // Every session, asked through the proxy once the load is over (the killed replica is back).
  for (const session of sessions) {
    const { record } = await call(proxy, "/api/current_user", {}, session.cookie);
    let email = null;
    try {
      email = JSON.parse(record.body)?.email ?? null;
    } catch {}
    session.valid = record.status === 200 && email === ADMIN_EMAIL;
  }
  writeFileSync(out, JSON.stringify({ requests, sessions, invited }));
  console.log(`${requests.length} requests, ${sessions.length} sessions, ${invited.length} invites`);
}

// A record without its body, but for an answer that is not 2xx: its first words say why.
function strip(record, kind) {
  const { body, ...rest } = record;
  return record.status >= 300 ? { ...rest, kind, body: String(body ?? "").slice(0, 300) } : { ...rest, kind };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function report(resultsFile, eventsFile, storedFile, outboxFile, maildevUrl, reportFile, metricsFile) {
  const { requests, sessions, invited } = JSON.parse(readFileSync(resultsFile, "utf8"));
  const events = Object.fromEntries(
    readFileSync(eventsFile, "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split(" ")),
  );
  const killedAt = Number(events.killed);
  const restartedAt = Number(events.restarted);
  const drainedAt = Number(events.drained ?? 0);
  const killedReplica = events.replica;

  const failed = requests.filter((r) => r.status >= 500 || r.error);
  // The upstream that answered (or failed) is the last nginx tried.
  const answeredBy = (r) => r.replica.split(",").pop().trim();
  // In flight at the kill: started before the process was gone, ended after the signal.
  const deadAt = Number(events.dead ?? killedAt);
  const inFlightOnKilled = (r) =>
    r.started <= deadAt && r.ended >= killedAt && answeredBy(r) === killedReplica;
  const explained = failed.filter(inFlightOnKilled);
  const other4xx = requests.filter((r) => r.status >= 400 && r.status < 500);
  const byKind = {};
  for (const r of requests) {
    const entry = (byKind[r.kind] ??= { count: 0, failed: 0, times: [] });
    entry.count++;
    if (r.status >= 500 || r.error) entry.failed++;
    entry.times.push(r.ended - r.started);
  }
  const retried = requests.filter((r) => r.replica.includes(",")).length;
  const onKilled = requests.filter((r) => answeredBy(r) === killedReplica);

  const madeBefore = sessions.filter((s) => s.made < killedAt);
  const madeOnKilled = madeBefore.filter((s) => answeredBy(s) === killedReplica);
  const survived = madeBefore.filter((s) => s.valid).length;
  const survivedOnKilled = madeOnKilled.filter((s) => s.valid).length;

  // The truth about invitations is the database's: what was stored got exactly one email.
  const stored = readFileSync(storedFile, "utf8").split("\n").map((l) => l.trim()).filter(Boolean);
  const storedSet = new Set(stored);
  const acknowledged = invited.filter((i) => i.status === 200).flatMap((i) => i.emails);
  const acknowledgedNotStored = acknowledged.filter((e) => !storedSet.has(e));
  const failedButStored = invited
    .filter((i) => i.status !== 200)
    .flatMap((i) => i.emails)
    .filter((e) => storedSet.has(e));
  const emails = await (await fetch(`${maildevUrl}/email`)).json();
  const received = new Map();
  const messageIds = new Map();
  for (const email of emails) {
    for (const to of email.to ?? []) {
      if (!to.address.endsWith(`@${ADDRESS_DOMAIN}`)) continue;
      received.set(to.address, (received.get(to.address) ?? 0) + 1);
    }
    const id = email.messageId ?? email.headers?.["message-id"];
    if (id) messageIds.set(id, (messageIds.get(id) ?? 0) + 1);
  }
  const lost = stored.filter((e) => !received.has(e));
  const twice = [...received.entries()].filter(([, n]) => n > 1);
  const sameIdTwice = [...messageIds.values()].filter((n) => n > 1).length;
  const outbox = readFileSync(outboxFile, "utf8").trim();

  const seconds = (ms) => (ms / 1000).toFixed(1);
  const start = Math.min(...requests.map((r) => r.started));
  const end = Math.max(...requests.map((r) => r.ended));
  const lines = [
    "## Replicas behind a proxy (scripts/replicas.sh)",
    "",
    `Two release server processes on one PostgreSQL database behind nginx (round robin), each with its mail worker sending to maildev; ${sessions.length} logins, ${requests.length} requests in ${seconds(end - start)} s. Replica ${killedReplica} was killed with SIGKILL at ${seconds(killedAt - start)} s and started again at ${seconds(restartedAt - start)} s.`,
    "",
    "| figure | value | budget | verdict |",
    "| --- | --- | --- | --- |",
    `| requests answered 5xx or not answered | ${failed.length} of ${requests.length} | only those in flight on the killed process | ${failed.length === explained.length ? "MET" : "MISSED"} (${explained.length} were in flight on it) |`,
    `| requests the proxy passed on to the other replica (connection refused) | ${retried} | | |`,
    `| requests answered 4xx | ${other4xx.length} | 0 | ${other4xx.length === 0 ? "MET" : "MISSED"} |`,
    `| sessions made before the kill, valid at the end | ${survived} of ${madeBefore.length} (made on the killed replica: ${survivedOnKilled} of ${madeOnKilled.length}) | all | ${survived === madeBefore.length ? "MET" : "MISSED"} |`,
    `| invitations acknowledged (200) but not stored | ${acknowledgedNotStored.length} | 0 | ${acknowledgedNotStored.length === 0 ? "MET" : "MISSED"} |`,
    `| invitations stored although their request failed | ${failedButStored.length} | | (the commit came before the kill; their emails count below) |`,
    `| emails lost (stored invitation, no email) | ${lost.length} of ${stored.length} | 0 | ${lost.length === 0 ? "MET" : "MISSED"} |`,
    `| emails sent twice (one address, two emails) | ${twice.length} | 0 | ${twice.length === 0 ? "MET" : "MISSED"} |`,
    `| of those, deliveries repeating a Message-ID (one email sent again after the kill cut off its bookkeeping) | ${sameIdTwice} | | |`,
    `| outbox after the restart | ${outbox} | drained | ${/^0 queued/.test(outbox) ? "MET" : "MISSED"} |`,
    `| outbox drained, after the kill | ${drainedAt ? `${seconds(drainedAt - killedAt)} s` : "not within the wait"} | | |`,
    ...mailTimeRows(metricsFile),
    "",
    "| request | count | failed | p50 ms | p95 ms | p99 ms | max ms |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...Object.entries(byKind).map(([kind, e]) => {
      const t = e.times.sort((a, b) => a - b);
      return `| ${kind} | ${e.count} | ${e.failed} | ${percentile(t, 50)} | ${percentile(t, 95)} | ${percentile(t, 99)} | ${t[t.length - 1]} |`;
    }),
    "",
    `Answered by the killed replica (before the kill and after its restart): ${onKilled.length} of ${requests.length}.`,
    "",
  ];
  if (failed.length > explained.length) {
    lines.push("Failures not in flight on the killed replica at the kill:", "");
    for (const r of failed.filter((r) => !inFlightOnKilled(r)).slice(0, 20)) {
      lines.push(`- ${r.kind} at ${seconds(r.started - start)}-${seconds(r.ended - start)} s: ${r.status || r.error} via ${r.replica || "?"}`);
    }
    lines.push("");
  }
  if (other4xx.length) {
    lines.push("Requests answered 4xx:", "");
    for (const r of other4xx.slice(0, 20)) {
      lines.push(`- ${r.kind} at ${seconds(r.started - start)}-${seconds(r.ended - start)} s: ${r.status} via ${r.replica || "?"}: ${r.body ?? ""}`);
    }
    lines.push("");
  }
  writeFileSync(reportFile, lines.join("\n"));
  console.log(lines.join("\n"));
}

// The report's rows from the live replica's metrics: `portico_email_send_seconds` (each SMTP
// transaction, to the server's answer) and `portico_email_held_seconds` (how long the message's
// last line waited for the row's update, until its commit was on its way). The server takes a
// message at its last line, so a kill while it waits leaves an unfinished message that the
// server discards and a queued row (docs/delivery.md).
function mailTimeRows(metricsFile) {
  let text = "";
  try {
    text = readFileSync(metricsFile ?? "", "utf8");
  } catch {
    return ["| the live replica's SMTP transactions and their bookkeeping | metrics not read | | |"];
  }
  const value = (line) => Number(line.trim().split(/\s+/).pop());
  const histogram = (name) => {
    const lines = text.split("\n").filter((l) => l.startsWith(name));
    const count = value(lines.find((l) => l.startsWith(`${name}_count`)) ?? "0");
    const sum = value(lines.find((l) => l.startsWith(`${name}_sum`)) ?? "0");
    if (!count) return "none recorded";
    const within = (le) => {
      const line = lines.find((l) => l.includes(`le="${le}"`));
      return line ? `${((100 * value(line)) / count).toFixed(1)} %` : "?";
    };
    return `${count} emails: mean ${((1000 * sum) / count).toFixed(1)} ms; within 1 ms ${within("0.001")}, 5 ms ${within("0.005")}, 25 ms ${within("0.025")}, 100 ms ${within("0.1")}, 250 ms ${within("0.25")}`;
  };
  return [
    `| the live replica's SMTP transactions (connect or reuse, MAIL, RCPT, DATA, the server's answer; without the hold) | ${histogram("portico_email_send_seconds")} | | |`,
    `| the live replica's emails' last lines held for their rows' updates | ${histogram("portico_email_held_seconds")} | | (a kill meanwhile leaves an unfinished message, discarded, and a queued row) |`,
  ];
}
