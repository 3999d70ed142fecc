//! The server's integration tests: the real server over HTTP against a fresh database per test
//! (SQLite by default; PostgreSQL or MariaDB with `PORTICO_TEST_BACKEND`, see [`support`]).
//!
//! One test binary, one module per area: cargo builds and links it once, where a binary per
//! file linked the whole server 22 times. Its tests share one process, so what is process-wide
//! is made safe to share: the metrics recorder and the route list are installed once per process
//! (`OnceLock`s in the server), no test sets environment variables or installs a tracing
//! subscriber, and every database, site root, mail folder and port is a fresh one per test. A
//! test that must be alone in its process has a binary of its own next to this one.

mod support;

mod activity;
mod administrators;
mod auth;
mod authorization;
mod bad_input;
mod branding;
mod cli;
mod concurrency;
mod correlation_id;
mod dashboard;
mod deadlocks;
mod decisions;
mod developers;
mod domain_rules;
mod emails;
mod export;
mod faults;
mod generation;
mod gram_counts;
mod health;
mod housekeeping;
mod import;
mod indexes;
mod invitation_page;
mod invitations;
mod link_requests;
mod mail;
mod mfa;
mod own_password;
mod password_policy;
mod password_reset;
mod portal;
mod profile;
mod rate_limits;
mod reminders;
mod rest;
mod scale_out;
mod search;
mod security;
mod sessions;
mod sign_up;
mod static_files;
mod status_lists;
mod webhooks;
