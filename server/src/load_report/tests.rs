use super::*;

/// wrk 4.1.0 (Debian), `-t1 -c4 -d2s --latency` with a POST script, against a server that
/// answered 501 to every request.
const WRK_OUTPUT: &str = "\
Running 2s test @ http://127.0.0.1:18777/
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     6.33ms    6.14ms  39.72ms   86.50%
    Req/Sec   741.95    285.61     1.47k    80.00%
  Latency Distribution
     50%    4.69ms
     75%    9.04ms
     90%   14.31ms
     99%   28.83ms
  1489 requests in 2.03s, 807.03KB read
  Non-2xx or 3xx responses: 1489
Requests/sec:    735.16
Transfer/sec:    398.45KB
";

#[test]
fn wrk_output_gives_the_request_rate_the_latency_percentiles_in_ms_and_the_error_counts() {
    let run = parse_wrk(WRK_OUTPUT).unwrap();
    assert_eq!(
        run,
        WrkRun {
            requests_per_sec: 735.16,
            p50_ms: 4.69,
            p99_ms: 28.83,
            non_2xx: 1489,
            socket_errors: 0,
        }
    );
}

#[test]
fn socket_errors_are_the_sum_of_connect_read_write_and_timeout_errors() {
    let output = WRK_OUTPUT.replace(
        "Requests/sec:",
        "  Socket errors: connect 1, read 2, write 3, timeout 4\nRequests/sec:",
    );
    assert_eq!(parse_wrk(&output).unwrap().socket_errors, 10);
}

#[test]
fn a_wrk_run_without_errors_counts_zero_non_2xx_responses() {
    let output = WRK_OUTPUT.replace("  Non-2xx or 3xx responses: 1489\n", "");
    assert_eq!(parse_wrk(&output).unwrap().non_2xx, 0);
}

#[test]
fn wrk_output_without_the_latency_distribution_is_refused() {
    let output: String = WRK_OUTPUT
        .lines()
        .filter(|line| !line.trim_start().starts_with(char::is_numeric))
        .map(|line| format!("{line}\n"))
        .collect();
    assert!(parse_wrk(&output).unwrap_err().contains("--latency"));
}

#[test]
fn wrk_durations_in_every_unit_are_read_as_milliseconds() {
    assert_eq!(duration_ms("812.00us").unwrap(), 0.812);
    assert_eq!(duration_ms("4.69ms").unwrap(), 4.69);
    assert_eq!(duration_ms("1.50s").unwrap(), 1500.0);
    assert_eq!(duration_ms("2.00m").unwrap(), 120_000.0);
    assert!(duration_ms("4.69").is_err());
}

#[test]
fn the_percentile_is_the_value_at_the_nearest_rank() {
    let shuffled: Vec<f64> = (1..=100).rev().map(f64::from).collect();
    assert_eq!(percentile(&shuffled, 50.0), Some(50.0));
    assert_eq!(percentile(&shuffled, 99.0), Some(99.0));
    let ten: Vec<f64> = (1..=10).map(f64::from).collect();
    assert_eq!(percentile(&ten, 50.0), Some(5.0));
    // 99 % of 10 values is rank 9.9, rounded up: the largest.
    assert_eq!(percentile(&ten, 99.0), Some(10.0));
    assert_eq!(percentile(&[7.0], 99.0), Some(7.0));
}

#[test]
fn no_values_have_no_percentile() {
    assert_eq!(percentile(&[], 50.0), None);
}

#[test]
fn probe_lines_give_the_answer_and_its_time_in_milliseconds() {
    let probes = parse_probe("200 0.012500\n500 0.002000\n000 0\n").unwrap();
    assert_eq!(
        probes,
        [
            Probe { ok: true, ms: 12.5 },
            Probe { ok: false, ms: 2.0 },
            Probe { ok: false, ms: 0.0 },
        ]
    );
    assert!(parse_probe("200\n").is_err());
}

#[test]
fn status_lines_give_their_value_in_kib() {
    let status = "Name:\tserver\nVmHWM:\t   61440 kB\nVmRSS:\t   20480 kB\n";
    assert_eq!(kib_values(status, "VmRSS").unwrap(), [20480]);
    assert_eq!(kib(status, "VmHWM").unwrap(), 61440);
    assert!(kib(status, "VmSwap").is_err());
}

#[test]
fn an_at_most_budget_is_met_at_the_limit_and_missed_over_it() {
    assert_eq!(verdict(50.0, Budget::AtMost(50.0)), "MET");
    assert_eq!(verdict(50.2, Budget::AtMost(50.0)), "MISSED");
}

#[test]
fn an_at_least_budget_is_met_at_the_limit_and_missed_under_it() {
    assert_eq!(verdict(50.0, Budget::AtLeast(50.0)), "MET");
    assert_eq!(verdict(49.9, Budget::AtLeast(50.0)), "MISSED");
}

#[test]
fn a_verdict_judges_the_figure_as_printed_with_one_decimal() {
    // Printed as 64.0: not MISSED against 64.
    assert_eq!(verdict(64.04, Budget::AtMost(64.0)), "MET");
    // Printed as 64.1.
    assert_eq!(verdict(64.06, Budget::AtMost(64.0)), "MISSED");
}

#[test]
fn a_report_from_the_raw_files_of_a_run_states_the_figures_and_verdicts() {
    let work = std::env::temp_dir().join(format!("portico-load-report-{}", std::process::id()));
    fs::create_dir_all(&work).unwrap();
    let list = WRK_OUTPUT.replace("  Non-2xx or 3xx responses: 1489\n", "");
    let anchor = list.replace("735.16", "1000.00");
    let bare = list.replace("735.16", "5000.00");
    let probe: String = (1..=100).map(|ms| format!("200 0.{ms:03}\n")).collect();
    let files = [
        ("list.wrk.log", list.as_str()),
        ("anchor.wrk.log", &anchor),
        ("bare.wrk.log", &bare),
        ("login.wrk.log", WRK_OUTPUT),
        ("probe-alone.log", &probe),
        ("probe-logins.log", "200 0.010\n200 0.060\n500 0.001\n"),
        ("rss-wrk.log", "VmRSS:\t 40960 kB\nVmRSS:\t 51200 kB\n"),
        ("rss-logins.log", "VmRSS:\t 30720 kB\n"),
        ("status-idle.txt", "VmHWM:\t 30720 kB\nVmRSS:\t 20480 kB\n"),
        ("status-end.txt", "VmHWM:\t 61440 kB\nVmRSS:\t 20480 kB\n"),
        (
            "hash_rate.log",
            "30 verifications in 1.00 s\nverifications_per_second 1470.3\n",
        ),
        ("loadavg-before.txt", "0.10 0.20 0.30 1/100 42\n"),
        ("loadavg-after.txt", "1.10 1.20 1.30 1/100 43\n"),
        ("list.json", "{\"total\":0}"),
    ];
    for (name, text) in files {
        fs::write(work.join(name), text).unwrap();
    }
    let args = ReportArgs {
        work: work.clone(),
        out: work.join("load.md"),
        rows: 1000,
        seconds: 5,
        connections: 64,
        login_connections: 20,
        server_cpu: "0".into(),
        client_cpu: "1".into(),
    };
    let report = report(&args);
    fs::remove_dir_all(&work).unwrap();
    let report = report.unwrap();
    for expected in [
        "## 2. HTTP throughput (budget: list >= 50 % of the hand-written anchor): MET",
        "| POST /api/list_invitations (Portico) | 735 | 4.7 | 28.8 | 0 | 0 |",
        "| **list / anchor** | **73.5 %** |",
        "| list / bare (no work at all; not a budget) | 14.7 % |",
        "## 5. Logins do not starve the app (budget: list p99 <= 50 ms under login load): MISSED",
        "| list p50 / p99, probe alone | 50.0 / 99.0 ms |",
        "(3 requests) | 10.0 / **60.0 ms** |",
        "| probe requests not answered 200 | 1 |",
        "| logins/s as a share of the ceiling | 50 % |",
        "before: 0.10 0.20 0.30; after: 1.10 1.20 1.30",
        "the same 11-byte JSON body",
        "idle MET, load MET",
        "| VmRSS peak sampled every 0.2 s during phase 2 (wrk on the list) | 50.0 |",
        "| VmHWM at the end | 60.0 |",
    ] {
        assert!(report.contains(expected), "{expected:?} not in:\n{report}");
    }
}
