//! Where argon2 runs: a few dedicated threads, one per core, at a lower CPU priority.
//!
//! Each hash takes ~19 MiB and tens of milliseconds of CPU. On Tokio's blocking pool a burst
//! of logins became one thread per login (up to 512), each keeping its 19 MiB in its own
//! allocator arena: 2.2 GiB after a few seconds of 20 concurrent logins. On a fixed pool the
//! memory is bounded by the thread count, excess logins wait their turn in a queue, and the
//! lower priority lets the request-serving threads run first, so a burst of logins slows
//! other requests only a little while hashing still uses every idle core.

use std::sync::{mpsc, Arc, Mutex, OnceLock};

type Job = Box<dyn FnOnce() + Send>;

/// How much lower than the server's other threads the hashing threads run (a `nice` value).
const NICENESS: i32 = 10;

fn queue() -> &'static Mutex<mpsc::Sender<Job>> {
    static QUEUE: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();
    QUEUE.get_or_init(|| {
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        for n in 0..threads {
            let receiver = Arc::clone(&receiver);
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || {
                    lower_priority();
                    loop {
                        // The lock is held only while waiting for the next job.
                        let job = match receiver.lock() {
                            Ok(receiver) => receiver.recv(),
                            Err(_) => return,
                        };
                        match job {
                            // A panicking job must not take the thread with it.
                            Ok(job) => {
                                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                            }
                            Err(_) => return,
                        }
                    }
                })
                .expect("start a password hashing thread");
        }
        Mutex::new(sender)
    })
}

#[cfg(target_os = "linux")]
fn lower_priority() {
    // On Linux the nice value belongs to the thread; 0 means the calling thread.
    // SAFETY: setpriority has no memory-safety preconditions.
    let result = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, NICENESS) };
    if result != 0 {
        tracing::debug!("password hashing runs at normal priority: setpriority failed");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

/// Runs `work` on a hashing thread and waits for its result; `None` if it panicked.
pub async fn run<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (reply, result) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = reply.send(work());
    });
    queue().lock().ok()?.send(job).ok()?;
    result.await.ok()
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn work_runs_on_a_named_hashing_thread_and_many_jobs_all_finish() {
        let name = super::run(|| std::thread::current().name().map(str::to_owned))
            .await
            .flatten();
        assert!(name.is_some_and(|n| n.starts_with("argon2-")));
        let jobs: Vec<_> = (0..50u32)
            .map(|i| tokio::spawn(super::run(move || i * 2)))
            .collect();
        let mut sum = 0;
        for job in jobs {
            sum += job.await.unwrap().unwrap();
        }
        assert_eq!(sum, 2 * (0..50).sum::<u32>());
        // A job that panics gets None, and the pool keeps working.
        assert_eq!(super::run(|| -> u32 { panic!("boom") }).await, None);
        assert_eq!(super::run(|| 7).await, Some(7));
    }
}
