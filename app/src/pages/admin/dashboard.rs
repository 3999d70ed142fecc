//! `/admin`, the console's first page: the onboarding funnel of the last twelve weeks, the
//! median time from invitation to account, delivery failures, and what waits for the admins
//! (each linking to the list that shows it). The chart is an SVG with a title and a
//! description, and the same figures are a table beside it.

use leptos::prelude::*;
use leptos_meta::Title;

use super::AdminFrame;
use crate::{
    api::dashboard::onboarding_dashboard,
    domain::dashboard::{duration_words, percent},
    model::dashboard::{Dashboard, FunnelWeek},
};

#[component]
pub fn DashboardPage() -> impl IntoView {
    view! {
        <Title text="Dashboard" />
        <AdminFrame>
            <DashboardView />
        </AdminFrame>
    }
}

#[component]
fn DashboardView() -> impl IntoView {
    let dashboard = Resource::new(|| (), |_| onboarding_dashboard());
    view! {
        <div class="page-header">
            <div>
                <p class="breadcrumb">"Onboarding"</p>
                <h1>"Dashboard"</h1>
            </div>
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading the dashboard…"</p> }>
            {move || Suspend::new(async move {
                match dashboard.await {
                    Ok(d) => view! { <Figures d=d.clone() /> <Funnel d /> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The four figures, each a card; the waiting ones link to their lists.
#[component]
fn Figures(d: Dashboard) -> impl IntoView {
    let median = d
        .median_to_account_seconds
        .map_or_else(|| "–".to_owned(), duration_words);
    let measured = match d.accounts_measured {
        0 => "no account created from these weeks' invitations yet".to_owned(),
        1 => "over 1 account, last 12 weeks".to_owned(),
        n => format!("over {n} accounts, last 12 weeks"),
    };
    view! {
        <div class="stat-grid" data-testid="dashboard-figures">
            <div class="card stat" data-testid="median-to-account">
                <p class="stat-label">"Invitation to account (median)"</p>
                <p class="stat-value">{median}</p>
                <p class="muted small">{measured}</p>
            </div>
            <div class="card stat" data-testid="delivery-failures">
                <p class="stat-label">"Delivery failures"</p>
                <p class="stat-value">{d.delivery_failures.to_string()}</p>
                <p class="muted small">"invitation emails not delivered, last 12 weeks"</p>
            </div>
            <a class="card stat stat-link" href="/admin/invitations?status=waiting" data-testid="reviews-waiting">
                <p class="stat-label">"Reviews waiting"</p>
                <p class="stat-value">{d.reviews_waiting.to_string()}</p>
                <p class="small">"Review them in Invitations →"</p>
            </a>
            <a class="card stat stat-link" href="/admin/invitations/requests" data-testid="requests-waiting">
                <p class="stat-label">"Requests waiting"</p>
                <p class="stat-value">{d.requests_waiting.to_string()}</p>
                <p class="small">"Answer them in Requests →"</p>
            </a>
        </div>
    }
}

const SERIES: [&str; 4] = ["invited", "opened", "created", "approved"];

/// The funnel: the twelve weeks' totals as steps, then per week as an SVG of grouped bars and
/// as a table.
#[component]
fn Funnel(d: Dashboard) -> impl IntoView {
    let total = d.total();
    let steps = total.steps();
    let widest = total.invited.max(1);
    let description = format!(
        "Over the last 12 weeks: {} invited, {} opened their link, {} created an account, {} approved.",
        total.invited, total.opened, total.created, total.approved
    );
    view! {
        <section class="card dashboard-funnel" aria-labelledby="funnel-heading">
            <h2 id="funnel-heading">"Onboarding funnel, last 12 weeks"</h2>
            <ol class="funnel-steps" data-testid="funnel-total">
                {steps.into_iter().enumerate().map(|(i, (name, n))| {
                    let width = format!("width: {}%", (n * 100 / widest).max(1));
                    view! {
                        <li data-step=SERIES[i]>
                            <span class="funnel-name">{name}</span>
                            <span class="funnel-bar"><span class=format!("funnel-fill series-{}", SERIES[i]) style=width></span></span>
                            <span class="funnel-count">{n.to_string()}" "<span class="muted">{format!("({})", percent(n, total.invited))}</span></span>
                        </li>
                    }
                }).collect_view()}
            </ol>
            // On a phone the chart keeps a legible size and scrolls inside its frame.
            <div class="chart-scroll" tabindex="0" role="group" aria-label="Weekly chart (scrolls sideways)">
                <WeeklyChart weeks=d.weeks.clone() description />
            </div>
            <ul class="chart-legend" aria-hidden="true">
                {steps.iter().enumerate().map(|(i, (name, _))| view! {
                    <li><span class=format!("legend-swatch series-{}", SERIES[i])></span>{*name}</li>
                }).collect_view()}
            </ul>
            <details class="chart-table">
                <summary>"The weeks as a table"</summary>
                <div class="table-wrap">
                    <table class="data-table" data-testid="funnel-table">
                        <caption class="visually-hidden">"Onboarding funnel per week"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Week of"</th>
                                {steps.iter().map(|(name, _)| view! { <th scope="col">{*name}</th> }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {d.weeks.iter().map(|w| view! {
                                <tr data-testid="funnel-week">
                                    <th scope="row">{week_label(w)}</th>
                                    {w.steps().into_iter().map(|(_, n)| view! { <td>{n.to_string()}</td> }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
        </section>
    }
}

fn week_label(week: &FunnelWeek) -> String {
    week.start.format("%b %-d").to_string()
}

/// Grouped bars, one group per week. Drawn in a fixed view box that scales to the width, so it
/// reads the same on a phone (the table carries the exact figures).
#[component]
fn WeeklyChart(weeks: Vec<FunnelWeek>, description: String) -> impl IntoView {
    const WIDTH: f64 = 720.0;
    const HEIGHT: f64 = 220.0;
    const BASE: f64 = 190.0;
    let top = weeks.iter().map(|w| w.invited).max().unwrap_or(0).max(1) as f64;
    let group = WIDTH / weeks.len().max(1) as f64;
    let bar = (group - 12.0) / 4.0;
    let bars = weeks
        .iter()
        .enumerate()
        .flat_map(|(i, w)| {
            w.steps()
                .into_iter()
                .enumerate()
                .map(move |(s, (name, n))| (i, s, name, n))
        })
        .map(|(i, s, name, n)| {
            let height = (n as f64 / top * (BASE - 10.0)).max(if n > 0 { 2.0 } else { 0.0 });
            let x = i as f64 * group + 6.0 + s as f64 * bar;
            view! {
                <rect class=format!("series-{}", SERIES[s]) x=format!("{x:.1}") y=format!("{:.1}", BASE - height)
                    width=format!("{:.1}", bar - 1.0) height=format!("{height:.1}")>
                    <title>{format!("{}: {name} {n}", week_label(&weeks[i]))}</title>
                </rect>
            }
        })
        .collect_view();
    let labels = weeks
        .iter()
        .enumerate()
        .map(|(i, w)| {
            view! {
                <text class="chart-label" x=format!("{:.1}", i as f64 * group + group / 2.0) y="210" text-anchor="middle">
                    {week_label(w)}
                </text>
            }
        })
        .collect_view();
    view! {
        <svg class="funnel-chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img"
            aria-labelledby="funnel-chart-title funnel-chart-desc" data-testid="funnel-chart">
            <title id="funnel-chart-title">"Invited, link opened, account created and approved, per week"</title>
            <desc id="funnel-chart-desc">{description}</desc>
            <line class="chart-axis" x1="0" y1=BASE x2=WIDTH y2=BASE />
            {bars}
            {labels}
        </svg>
    }
}
