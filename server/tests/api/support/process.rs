//! The real server binary (`CARGO_BIN_EXE_server`) as its own OS process, configured through
//! `PORTICO_*` environment variables like a deployment, on a random port (it binds port 0 and
//! the test reads the address from its "Portico is listening" log line). It is killed when the
//! value is dropped, so also when the test panics.

use serde_json::Value;
use std::{
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::{mpsc, Arc, Mutex},
    time::{Duration, Instant},
};

use super::{ADMIN_EMAIL, ADMIN_PASSWORD};

/// How long a test waits for the process to listen and to be ready.
const PATIENCE: Duration = Duration::from_secs(60);

pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// Every line it wrote to stdout and stderr so far.
    log: Arc<Mutex<Vec<String>>>,
    /// Its site root and mail folder, removed when it is dropped.
    scratch: PathBuf,
}

impl ServerProcess {
    /// Starts the server on `database_url` with the bootstrap admin, JSON logs and no mail
    /// worker.
    pub fn start(database_url: &str) -> Self {
        Self::start_with(database_url, &[])
    }

    /// Like [`ServerProcess::start`], with `env` set on top (it wins over the defaults).
    pub fn start_with(database_url: &str, env: &[(&str, &str)]) -> Self {
        let scratch = std::env::temp_dir()
            .join("portico-tests")
            .join(format!("process-{}", rand::random::<u64>()));
        std::fs::create_dir_all(&scratch).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
        for (name, _) in std::env::vars() {
            if name.starts_with("PORTICO_") {
                command.env_remove(name);
            }
        }
        command
            .env("PORTICO_DATABASE_URL", database_url)
            .env("PORTICO_BIND", "127.0.0.1:0")
            .env("PORTICO_ADMIN_EMAIL", ADMIN_EMAIL)
            .env("PORTICO_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("PORTICO_METRICS_TOKEN", super::METRICS_TOKEN)
            .env("PORTICO_LOG_FORMAT", "json")
            .env("PORTICO_LOG", "info")
            .env("PORTICO_MAIL_WORKER", "false")
            .env("PORTICO_MAIL_DIR", scratch.join("mail"))
            .env("PORTICO_SITE_ROOT", &scratch);
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the server binary");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (listening, address) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        for (stream, listening) in [
            (
                Box::new(stdout) as Box<dyn std::io::Read + Send>,
                Some(listening),
            ),
            (Box::new(stderr), None),
        ] {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if let Some(sender) = &listening {
                        if let Ok(entry) = serde_json::from_str::<Value>(&line) {
                            if entry["message"] == "Portico is listening" {
                                let _ = sender.send(entry["address"].as_str().unwrap().to_owned());
                            }
                        }
                    }
                    log.lock().unwrap().push(line);
                }
            });
        }
        // Built now so that a failed start below still kills the process and removes `scratch`.
        let mut process = Self {
            child,
            address: String::new(),
            log,
            scratch,
        };
        match address.recv_timeout(PATIENCE) {
            Ok(address) => process.address = format!("http://{address}"),
            Err(_) => panic!(
                "the server did not report listening; its output:\n{}",
                process.log().join("\n")
            ),
        }
        process
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// The process id (for reading /proc, or to tell two instances apart in messages).
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// The log lines whose `correlation_id` is `id`, waiting up to 5 s for one to appear.
    pub fn lines_with(&self, id: &str) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let found: Vec<Value> = self
                .log()
                .iter()
                .filter_map(|line| serde_json::from_str::<Value>(line).ok())
                .filter(|entry| entry["correlation_id"] == id)
                .collect();
            if !found.is_empty() || Instant::now() > deadline {
                return found;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until `/readyz` answers 200 (the database answers, every migration applied).
    pub async fn wait_ready(&self) {
        let client = reqwest::Client::new();
        let started = Instant::now();
        loop {
            let status = client
                .get(self.url("/readyz"))
                .send()
                .await
                .map(|r| r.status().as_u16())
                .map_err(|e| e.to_string());
            if status == Ok(200) {
                return;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "{} (pid {}) was not ready within {PATIENCE:?} (last answer: {status:?}); its \
                 output:\n{}",
                self.address,
                self.id(),
                self.log().join("\n")
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The value of an unlabelled counter or gauge on its `/metrics` page; 0 when the metric
    /// is not there yet (a counter appears with its first increment).
    pub async fn metric(&self, name: &str) -> f64 {
        let page = reqwest::Client::new()
            .get(self.url("/metrics"))
            .bearer_auth(super::METRICS_TOKEN)
            .send()
            .await
            .expect("/metrics answers")
            .text()
            .await
            .expect("a metrics page");
        page.lines()
            .filter_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
            .map(|value| value.trim().parse::<f64>().expect("a number"))
            .next()
            .unwrap_or(0.0)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = self.log();
            let tail = &log[log.len().saturating_sub(40)..];
            eprintln!(
                "--- last {} log lines of the server at {} (pid {}) ---\n{}",
                tail.len(),
                self.address,
                self.child.id(),
                tail.join("\n")
            );
        }
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}
