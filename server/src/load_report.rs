//! The analysis of the load benchmark (scripts/load.sh), hidden subcommand
//! `server bench-load-report`. The script only runs things: the server, wrk, the latency
//! probe, the /proc samplers; it leaves their raw output in its work directory. This reads
//! those files and writes the results table: percentiles, rates, ratios, MiB and the verdicts
//! of the budgets.
//!
//! Raw files read from the work directory:
//! - `list.wrk.log`, `anchor.wrk.log`, `bare.wrk.log`, `login.wrk.log`: wrk's own output (run
//!   with `--latency`);
//! - `probe-alone.log`, `probe-logins.log`: curl's `%{http_code} %{time_total}`, one request a line;
//! - `rss-wrk.log`, `rss-logins.log`: the server's `VmRSS:` line of /proc/<pid>/status every
//!   0.2 s during phase 2 (wrk on the list and the bare handler) and phase 5 (logins);
//! - `status-idle.txt`, `status-end.txt`: /proc/<pid>/status after start-up and at the end;
//! - `hash_rate.log`: the output of `server bench-hash-rate`;
//! - `loadavg-before.txt`, `loadavg-after.txt`: copies of /proc/loadavg;
//! - `list.json`: the list body the bare handler serves (for its size).

use std::{
    fs,
    path::{Path, PathBuf},
};

/// The settings of the run, as load.sh used them (they are printed with the results).
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// The work directory load.sh filled.
    #[arg(long)]
    pub work: PathBuf,
    /// Where to write the Markdown results.
    #[arg(long)]
    pub out: PathBuf,
    /// Invitations in the database.
    #[arg(long)]
    pub rows: u64,
    /// Length of each measured phase.
    #[arg(long)]
    pub seconds: u64,
    /// wrk's connections for the list and the bare handler.
    #[arg(long)]
    pub connections: u32,
    /// wrk's connections logging in.
    #[arg(long)]
    pub login_connections: u32,
    /// The cores (taskset list) the servers were pinned to.
    #[arg(long)]
    pub server_cpu: String,
    /// The cores wrk, curl and the probe were pinned to.
    #[arg(long)]
    pub client_cpu: String,
}

/// The figures of one wrk run, from its standard output.
#[derive(Debug, Clone, PartialEq)]
pub struct WrkRun {
    pub requests_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// wrk's "Non-2xx or 3xx responses" (in fact statuses above 399).
    pub non_2xx: u64,
    /// connect + read + write + timeout errors.
    pub socket_errors: u64,
}

/// Reads wrk's output; the error and non-2xx lines are absent when there were none.
pub fn parse_wrk(text: &str) -> Result<WrkRun, String> {
    let (mut rps, mut p50, mut p99) = (None, None, None);
    let (mut non_2xx, mut socket_errors) = (0, 0);
    for line in text.lines().map(str::trim) {
        if let Some(value) = line.strip_prefix("Requests/sec:") {
            rps = Some(number(value)?);
        } else if let Some(value) = line.strip_prefix("50%") {
            p50 = Some(duration_ms(value.trim())?);
        } else if let Some(value) = line.strip_prefix("99%") {
            p99 = Some(duration_ms(value.trim())?);
        } else if let Some(value) = line.strip_prefix("Non-2xx or 3xx responses:") {
            non_2xx = number(value)? as u64;
        } else if let Some(value) = line.strip_prefix("Socket errors:") {
            // "connect 0, read 0, write 0, timeout 0"
            for part in value.split(',') {
                let count = part.split_whitespace().nth(1).unwrap_or_default();
                socket_errors += number(count)? as u64;
            }
        }
    }
    let missing = |what: &str| format!("no {what} line in wrk's output");
    Ok(WrkRun {
        requests_per_sec: rps.ok_or_else(|| missing("Requests/sec"))?,
        p50_ms: p50.ok_or_else(|| missing("50% (run wrk with --latency)"))?,
        p99_ms: p99.ok_or_else(|| missing("99% (run wrk with --latency)"))?,
        non_2xx,
        socket_errors,
    })
}

/// A duration as wrk prints it ("812.00us", "4.69ms", "1.02s", "2.00m"), in milliseconds.
pub fn duration_ms(text: &str) -> Result<f64, String> {
    // "us" and "ms" before "s", "ms" before "m".
    const UNITS: [(&str, f64); 5] = [
        ("us", 0.001),
        ("ms", 1.0),
        ("s", 1_000.0),
        ("m", 60_000.0),
        ("h", 3_600_000.0),
    ];
    UNITS
        .iter()
        .find_map(|(unit, ms)| Some(text.strip_suffix(unit)?.parse::<f64>().ok()? * ms))
        .ok_or_else(|| format!("not a wrk duration: {text:?}"))
}

fn number(text: &str) -> Result<f64, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("not a number: {text:?}"))
}

/// The `p`-th percentile by nearest rank (the smallest value with at least p % of the
/// values at or below it); `None` without values.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((sorted.len() as f64 * p / 100.0).ceil() as usize).max(1);
    sorted.get(rank - 1).copied()
}

/// One request of the probe: whether it was answered 200, and its time in ms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Probe {
    pub ok: bool,
    pub ms: f64,
}

/// The probe's lines, curl's `%{http_code} %{time_total}` (seconds).
pub fn parse_probe(text: &str) -> Result<Vec<Probe>, String> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(
            |line| match line.split_whitespace().collect::<Vec<_>>()[..] {
                [status, seconds] => Ok(Probe {
                    ok: status == "200",
                    ms: number(seconds)? * 1000.0,
                }),
                _ => Err(format!("not a probe line: {line:?}")),
            },
        )
        .collect()
}

/// Every `key:` value in KiB of a /proc/<pid>/status or /proc/meminfo text ("VmRSS:  5120 kB").
pub fn kib_values(text: &str, key: &str) -> Result<Vec<u64>, String> {
    text.lines()
        .filter_map(|line| line.strip_prefix(key)?.strip_prefix(':'))
        .map(|rest| number(rest.trim().trim_end_matches("kB")).map(|kib| kib as u64))
        .collect()
}

fn kib(text: &str, key: &str) -> Result<u64, String> {
    kib_values(text, key)?
        .first()
        .copied()
        .ok_or_else(|| format!("no {key} line"))
}

/// `part` as a percentage of `whole`; 0 when `whole` is not positive.
fn percent(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        100.0 * part / whole
    } else {
        0.0
    }
}

/// The first `n` words of `text`, one space apart.
fn words(text: &str, n: usize) -> String {
    text.split_whitespace()
        .take(n)
        .collect::<Vec<_>>()
        .join(" ")
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// A budget: the figure must be at least, or at most, the limit.
#[derive(Debug, Clone, Copy)]
pub enum Budget {
    AtLeast(f64),
    AtMost(f64),
}

/// MET or MISSED, judged on the figure as the table prints it (one decimal), so that a
/// printed 64.0 MiB never reads MISSED against a 64 MiB budget.
pub fn verdict(value: f64, budget: Budget) -> &'static str {
    let shown: f64 = format!("{value:.1}").parse().unwrap_or(value);
    let met = match budget {
        Budget::AtLeast(limit) => shown >= limit,
        Budget::AtMost(limit) => shown <= limit,
    };
    if met {
        "MET"
    } else {
        "MISSED"
    }
}

/// Reads the work directory of `args`, writes the results to `args.out` and prints them.
pub fn write(args: &ReportArgs) -> Result<(), String> {
    let report = report(args)?;
    fs::write(&args.out, &report).map_err(|e| format!("{}: {e}", args.out.display()))?;
    print!("{report}");
    Ok(())
}

/// `parse` applied to the file `name` of `dir`; its errors name the file.
fn parse_file<T>(
    dir: &Path,
    name: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<T, String> {
    let path = dir.join(name);
    let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn read(dir: &Path, name: &str) -> Result<String, String> {
    parse_file(dir, name, |text| Ok(text.to_owned()))
}

/// The Markdown results: the sections, budgets and wording load.sh used to print itself.
fn report(a: &ReportArgs) -> Result<String, String> {
    let work = a.work.as_path();
    let wrk = |name: &str| parse_file(work, name, parse_wrk);
    let (list, anchor, bare, login) = (
        wrk("list.wrk.log")?,
        wrk("anchor.wrk.log")?,
        wrk("bare.wrk.log")?,
        wrk("login.wrk.log")?,
    );
    let probe = |name: &str| parse_file(work, name, parse_probe);
    let (alone, under) = (probe("probe-alone.log")?, probe("probe-logins.log")?);
    let p = |probes: &[Probe], p: f64| {
        let ms: Vec<f64> = probes.iter().map(|probe| probe.ms).collect();
        percentile(&ms, p).ok_or("the probe made no request")
    };
    let (alone_p50, alone_p99) = (p(&alone, 50.0)?, p(&alone, 99.0)?);
    let (under_p50, under_p99) = (p(&under, 50.0)?, p(&under, 99.0)?);
    let probe_bad = alone.iter().chain(&under).filter(|probe| !probe.ok).count();
    let samples = |name: &str| parse_file(work, name, |text| kib_values(text, "VmRSS"));
    let (rss_wrk, rss_logins) = (samples("rss-wrk.log")?, samples("rss-logins.log")?);
    let peak_list = rss_wrk
        .iter()
        .max()
        .copied()
        .ok_or("no RSS sample in phase 2")?;
    let peak_rss = rss_logins.iter().copied().fold(peak_list, u64::max);
    let status = |name: &str, key: &str| parse_file(work, name, |text| kib(text, key));
    let (idle_rss, idle_hwm) = (
        status("status-idle.txt", "VmRSS")?,
        status("status-idle.txt", "VmHWM")?,
    );
    let end_hwm = status("status-end.txt", "VmHWM")?;
    let hash_rate = parse_file(work, "hash_rate.log", |text| {
        let line = text
            .lines()
            .find_map(|l| l.strip_prefix("verifications_per_second "));
        number(line.ok_or("no verifications_per_second line")?)
    })?;
    // The 1, 5 and 15 minutes' averages of a copy of /proc/loadavg.
    let loadavg = |name: &str| read(work, name).map(|text| words(&text, 3));
    let body_bytes = read(work, "list.json")?.len();
    let ratio = percent(list.requests_per_sec, anchor.requests_per_sec);
    let of_bare = percent(list.requests_per_sec, bare.requests_per_sec);
    let share = percent(login.requests_per_sec, hash_rate);

    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'));
    let model = model.map_or(String::new(), |(_, m)| words(m, usize::MAX));
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mem_gib = kib(&meminfo, "MemTotal").unwrap_or(0) as f64 / 1_048_576.0;

    // Every figure under the name the template below uses.
    let date = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC");
    let (rows, seconds, client_cpu, server_cpu) = (a.rows, a.seconds, &a.client_cpu, &a.server_cpu);
    let (c, lc) = (a.connections, a.login_connections);
    let (before, after) = (
        loadavg("loadavg-before.txt")?,
        loadavg("loadavg-after.txt")?,
    );
    // A run where either side answered errors measured something else.
    let throughput =
        if list.non_2xx + anchor.non_2xx + list.socket_errors + anchor.socket_errors > 0 {
            "INVALID (errors answered, see the table)"
        } else {
            verdict(ratio, Budget::AtLeast(50.0))
        };
    let logins = verdict(under_p99, Budget::AtMost(50.0));
    let idle = verdict(mib(idle_rss), Budget::AtMost(64.0));
    let load = verdict(mib(peak_rss), Budget::AtMost(128.0));
    let row = |name: &str, run: &WrkRun| {
        let WrkRun {
            requests_per_sec: rps,
            p50_ms,
            p99_ms,
            non_2xx,
            socket_errors,
        } = run;
        format!("| {name} | {rps:.0} | {p50_ms:.1} | {p99_ms:.1} | {non_2xx} | {socket_errors} |")
    };
    let list_row = row("POST /api/list_invitations (Portico)", &list);
    let anchor_row = row(
        "POST, hand-written axum + sqlx, same work, same JSON",
        &anchor,
    );
    let bare_row = row("POST, bare axum, same JSON from memory", &bare);
    let (probe_n, login_rps) = (under.len(), login.requests_per_sec);
    let (login_p99, login_bad, login_sock) = (login.p99_ms, login.non_2xx, login.socket_errors);
    let [idle_rss, idle_hwm, peak_list, peak_rss, end_hwm] =
        [idle_rss, idle_hwm, peak_list, peak_rss, end_hwm].map(mib);
    Ok(format!(
        r#"# Load benchmark ({date})

Machine: {cores} cores, {mem_gib:.1} GiB RAM, {model}.
Release server on SQLite with {rows} generated invitations, pinned to core {server_cpu}; wrk,
curl and the probe pinned to core {client_cpu}; {seconds} s per phase. Load average
(1, 5, 15 min) before: {before}; after: {after} (above ~0.5 before, other work
competed for the cores and the figures are low).

## 2. HTTP throughput (budget: list >= 50 % of the hand-written anchor): {throughput}

wrk, 1 thread, {c} connections, POST with the admin's session cookie and `page_size=50` (the
first page of 50, newest first, with its total). The anchor (`server bench-anchor`) does the
list's work by hand with sqlx: the session and its admin, the page with its names and newest
deliveries in one statement, the count up to the limit, the same {body_bytes}-byte JSON body
(compared before measuring). The bare handler serves that body from memory, with no work.

| target | requests/s | p50 ms | p99 ms | non-2xx | socket errors |
| --- | --- | --- | --- | --- | --- |
{list_row}
{anchor_row}
{bare_row}
| **list / anchor** | **{ratio:.1} %** | | | | |
| list / bare (no work at all; not a budget) | {of_bare:.1} % | | | | |

## 5. Logins do not starve the app (budget: list p99 <= 50 ms under login load): {logins}

A probe sends one list request every 100 ms (curl, time_total); meanwhile wrk keeps
{lc} connections logging in (correct password, a new session each).

| measure | value |
| --- | --- |
| list p50 / p99, probe alone | {alone_p50:.1} / {alone_p99:.1} ms |
| list p50 / p99, probe during {lc} concurrent logins ({probe_n} requests) | {under_p50:.1} / **{under_p99:.1} ms** |
| probe requests not answered 200 | {probe_bad} |
| logins/s (p99 {login_p99:.1} ms; non-2xx {login_bad}, socket errors {login_sock}) | {login_rps:.1} |
| argon2id verifications/s on core {server_cpu}, one after another (hash-only ceiling) | {hash_rate:.1} |
| logins/s as a share of the ceiling | {share:.0} % |

## 6. Memory (budget: <= 64 MiB idle, <= 128 MiB under load): idle {idle}, load {load}

| measure (/proc/<pid>/status) | MiB |
| --- | --- |
| VmRSS idle, 2 s after start-up | {idle_rss:.1} |
| VmHWM after start-up (includes migrating) | {idle_hwm:.1} |
| VmRSS peak sampled every 0.2 s during phase 2 (wrk on the list) | {peak_list:.1} |
| VmRSS peak sampled every 0.2 s during phases 2 and 5 (5: logins) | {peak_rss:.1} |
| VmHWM at the end | {end_hwm:.1} |
"#
    ))
}

#[cfg(test)]
mod tests;
