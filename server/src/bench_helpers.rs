//! Helpers of the load benchmark (scripts/load.sh), hidden subcommands of the server binary so
//! that they are built exactly like the server they are compared with (same profile, same
//! dependency features, same runtime).

use std::{path::Path, time::Instant};

use app::ssr::auth::password;
use axum::{body::Bytes, http::header, routing::post, Router};

/// The baseline of the HTTP throughput budget: a bare axum server answering
/// `POST /api/list_invitations` with the body of `body_file` held in memory (the body a real
/// list call returned), with no middleware, session or database behind it.
pub async fn bare_json(port: u16, body_file: &Path) -> Result<(), String> {
    let body =
        Bytes::from(std::fs::read(body_file).map_err(|e| format!("{}: {e}", body_file.display()))?);
    let app = Router::new().route(
        "/api/list_invitations",
        post(move || {
            let body = body.clone();
            async move { ([(header::CONTENT_TYPE, "application/json")], body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| format!("cannot listen on port {port}: {e}"))?;
    println!(
        "bare JSON handler listening on {}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    axum::serve(listener, app).await.map_err(|e| e.to_string())
}

/// The ceiling of logins per second: `count` argon2id verifications with the parameters new
/// hashes get, one after another (a login does one), timed. Run it pinned to the cores the
/// server gets for that server's ceiling. Prints `verifications_per_second <n>` last.
pub async fn hash_rate(count: u32) -> Result<(), String> {
    let secret = "Load-Test-Pass-1";
    let stored = password::hash(secret.to_owned()).await?;
    // One untimed verification first (it starts the blocking pool's thread).
    if !password::verify(secret.to_owned(), Some(stored.clone())).await {
        return Err("the password does not verify against its own hash".into());
    }
    let started = Instant::now();
    for _ in 0..count {
        password::verify(secret.to_owned(), Some(stored.clone())).await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "{count} verifications in {elapsed:.2} s, {:.1} ms each",
        elapsed * 1000.0 / f64::from(count.max(1))
    );
    println!("verifications_per_second {:.1}", f64::from(count) / elapsed);
    Ok(())
}
