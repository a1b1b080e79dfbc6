//! The headline figures of a benchmark run as one SVG chart, drawn from the results JSON that
//! `cargo xtask bench` writes (so the chart and `BENCHMARKS.md` always show the same run):
//! req/s per client at concurrency 1 and 16, and instructions per list call per Rust client.
//!
//! `bench-chart RESULTS.json OUT.svg`
//!
//! The SVG depends on the JSON alone (`cargo xtask bench --quick` checks that the committed
//! chart is what the committed JSON draws).

use std::path::PathBuf;

use anyhow::Context as _;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde_json::Value;

const WIDTH: u32 = 900;
const PANEL_HEIGHT: u32 = 260;

/// The clients in chart order, with the names the chart gives them.
const CLIENTS: [(&str, &str); 8] = [
    ("raw", "raw socket (ceiling)"),
    ("wrk", "wrk (ceiling)"),
    ("floor", "floor (reqwest + serde)"),
    ("generated", "plivo-mpc"),
    ("openapi-rust", "openapi-generator rust"),
    ("python-gen", "openapi-generator python"),
    ("python-sdk", "Plivo Python SDK"),
    ("node-sdk", "Plivo Node SDK"),
];

/// One panel's bars: (client label, value), top to bottom.
type Bars = Vec<(String, f64)>;

fn label(client: &str) -> String {
    let known = CLIENTS.iter().find(|(name, _)| *name == client);
    known.map_or(client, |(_, label)| label).to_owned()
}

/// One bar per client, in chart order: the `value` field of the row of `rows` (an array in the
/// results) that `matches` picks for that client; clients without such a row are left out.
fn bars(rows: &Value, value: &str, matches: impl Fn(&Value) -> bool) -> Bars {
    let rows = rows.as_array().map(Vec::as_slice).unwrap_or_default();
    CLIENTS
        .iter()
        .filter_map(|(name, _)| {
            let row = rows.iter().find(|r| r["client"] == *name && matches(r))?;
            Some((label(name), row[value].as_f64()?))
        })
        .collect()
}

/// req/s of the list call per client at `concurrency` (results from before the write call was
/// measured have no `work`: the list call).
fn rps(results: &Value, concurrency: u64) -> Bars {
    bars(&results["e2e"]["results"], "rps", |r| {
        r["concurrency"].as_u64() == Some(concurrency)
            && (r["work"].is_null() || r["work"] == "list")
    })
}

/// Instructions per unit of `work` per client.
fn instructions(results: &Value, work: &str) -> Bars {
    bars(&results["instructions"]["rows"], "per_unit", |r| {
        r["work"] == work
    })
}

/// Thousands separators, as the Markdown report writes its figures.
fn grouped(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    unit: &str,
    bars: &Bars,
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    let max = bars.iter().map(|(_, v)| *v).fold(0.0, f64::max).max(1.0);
    let rows = bars.len().max(1);
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 18))
        .margin(8)
        .x_label_area_size(28)
        .y_label_area_size(210)
        .build_cartesian_2d(0.0..max * 1.2, 0.0..rows as f64)
        .map_err(|e| anyhow::anyhow!("chart {title}: {e}"))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_desc(unit)
        .x_label_formatter(&|v| grouped(*v))
        .draw()
        .map_err(|e| anyhow::anyhow!("chart {title}: {e}"))?;
    for (i, (name, value)) in bars.iter().enumerate() {
        // Top to bottom: the first bar at the top.
        let top = (rows - i) as f64 - 0.15;
        let bottom = (rows - i - 1) as f64 + 0.15;
        let colour: ShapeStyle = if name == "plivo-mpc" {
            RED.filled()
        } else {
            BLUE.mix(0.6).filled()
        };
        chart
            .draw_series([Rectangle::new(
                [(0.0, bottom), (*value, top)],
                colour.filled(),
            )])
            .map_err(|e| anyhow::anyhow!("chart {title}: {e}"))?;
        let middle = (top + bottom) / 2.0;
        let text = |s: String, x: f64, anchor| {
            Text::new(
                s,
                (x, middle),
                TextStyle::from(("sans-serif", 13).into_font()).pos(anchor),
            )
        };
        let left = Pos::new(HPos::Right, VPos::Center);
        let right = Pos::new(HPos::Left, VPos::Center);
        chart
            .draw_series([
                text(format!("{name} "), 0.0, left),
                text(format!(" {}", grouped(*value)), *value, right),
            ])
            .map_err(|e| anyhow::anyhow!("chart {title}: {e}"))?;
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let input = PathBuf::from(
        args.next()
            .context("usage: bench-chart RESULTS.json OUT.svg")?,
    );
    let output = PathBuf::from(
        args.next()
            .context("usage: bench-chart RESULTS.json OUT.svg")?,
    );
    let text = std::fs::read_to_string(&input)
        .with_context(|| format!("cannot read {}", input.display()))?;
    let results: Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", input.display()))?;
    let panels = [
        (
            "req/s, concurrency 1 (more is better)",
            "req/s",
            rps(&results, 1),
        ),
        (
            "req/s, concurrency 16 (more is better)",
            "req/s",
            rps(&results, 16),
        ),
        (
            "instructions per list call, callgrind (fewer is better)",
            "instructions",
            instructions(&results, "call"),
        ),
        (
            "instructions per decode of the documented page (fewer is better)",
            "instructions",
            instructions(&results, "decode-documented"),
        ),
    ];
    let panels: Vec<_> = panels
        .into_iter()
        .filter(|(_, _, bars)| !bars.is_empty())
        .collect();
    anyhow::ensure!(
        !panels.is_empty(),
        "{} holds no figure to chart",
        input.display()
    );
    let height = PANEL_HEIGHT * panels.len() as u32;
    let root = SVGBackend::new(&output, (WIDTH, height)).into_drawing_area();
    root.fill(&WHITE)
        .map_err(|e| anyhow::anyhow!("chart: {e}"))?;
    for ((title, unit, bars), area) in panels.iter().zip(root.split_evenly((panels.len(), 1))) {
        panel(&area, title, unit, bars)?;
    }
    root.present()
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", output.display()))?;
    Ok(())
}
