//! Exercise 01, latency: the parts the two programs' `main`s lean on.
//!
//! - [`ServerArgs`] and [`ClientArgs`]: the command lines;
//! - [`Summary`]: what the client reports about the round trips it timed.

use std::time::Duration;

use clap::Parser;

/// A UDP echo server for measuring round-trip latency.
#[derive(Parser, Debug)]
#[command(version)]
pub struct ServerArgs {
    /// The address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// The port to bind; 0 lets the OS pick a free one.
    #[arg(long, default_value_t = 9999)]
    pub port: u16,
}

/// Measures UDP round trips: sends numbered pings, one at a time, and times
/// each matching pong.
#[derive(Parser, Debug)]
#[command(version)]
pub struct ClientArgs {
    /// The server, as host:port.
    #[arg(long)]
    pub server: String,
    /// How many pings to send.
    #[arg(long, default_value_t = 100)]
    pub count: u64,
    /// The size of each ping in bytes (the first 8 are its sequence number).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(8..=65507))]
    pub size: u16,
    /// How long to wait for each pong, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    pub timeout_ms: u64,
    /// Print the summary as one JSON object instead of the plain line.
    #[arg(long)]
    pub json: bool,
}

/// What the client reports: how many pings went out and came back, and the
/// round-trip times of those that came back.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub sent: u64,
    pub size: u16,
    /// Round-trip times in microseconds, sorted ascending.
    rtts_us: Vec<f64>,
}

impl Summary {
    /// Summarizes `sent` pings of `size` bytes whose replies took `rtts`.
    pub fn new(sent: u64, size: u16, rtts: &[Duration]) -> Summary {
        let mut rtts_us: Vec<f64> = rtts.iter().map(|d| d.as_secs_f64() * 1e6).collect();
        rtts_us.sort_by(f64::total_cmp);
        Summary {
            sent,
            size,
            rtts_us,
        }
    }

    pub fn received(&self) -> u64 {
        self.rtts_us.len() as u64
    }

    pub fn lost(&self) -> u64 {
        self.sent - self.received()
    }

    pub fn min(&self) -> Option<f64> {
        self.rtts_us.first().copied()
    }

    pub fn max(&self) -> Option<f64> {
        self.rtts_us.last().copied()
    }

    pub fn avg(&self) -> Option<f64> {
        let n = self.rtts_us.len();
        (n > 0).then(|| self.rtts_us.iter().sum::<f64>() / n as f64)
    }

    /// The `p`-th percentile by nearest rank: the smallest time that at least
    /// `p`% of the round trips did not exceed, `sorted[ceil(p/100 × n) − 1]`.
    pub fn percentile(&self, p: f64) -> Option<f64> {
        let n = self.rtts_us.len();
        if n == 0 {
            return None;
        }
        let rank = (p / 100.0 * n as f64).ceil() as usize;
        Some(self.rtts_us[rank.clamp(1, n) - 1])
    }

    /// The plain one-line report:
    /// `sent=100 received=100 lost=0 size=10 min=12.3us avg=15.0us p50=14.1us p99=40.2us max=41.0us`.
    pub fn plain(&self) -> String {
        let time = |t: Option<f64>| t.map_or("-".to_string(), |us| format!("{us:.1}us"));
        format!(
            "sent={} received={} lost={} size={} min={} avg={} p50={} p99={} max={}",
            self.sent,
            self.received(),
            self.lost(),
            self.size,
            time(self.min()),
            time(self.avg()),
            time(self.percentile(50.0)),
            time(self.percentile(99.0)),
            time(self.max()),
        )
    }

    /// The same report as one JSON object; times are `null` when nothing came
    /// back.
    pub fn json(&self) -> String {
        serde_json::json!({
            "sent": self.sent,
            "received": self.received(),
            "lost": self.lost(),
            "size": self.size,
            "min_us": self.min(),
            "avg_us": self.avg(),
            "p50_us": self.percentile(50.0),
            "p99_us": self.percentile(99.0),
            "max_us": self.max(),
        })
        .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(values: &[u64]) -> Vec<Duration> {
        values.iter().map(|&v| Duration::from_micros(v)).collect()
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let summary = Summary::new(10, 10, &us(&[10, 1, 9, 2, 8, 3, 7, 4, 6, 5]));
        assert_eq!(summary.percentile(50.0), Some(5.0));
        assert_eq!(summary.percentile(99.0), Some(10.0));
        assert_eq!(summary.percentile(10.0), Some(1.0));
        assert_eq!(summary.avg(), Some(5.5));
    }

    #[test]
    fn nothing_back_prints_dashes_and_nulls() {
        let summary = Summary::new(3, 10, &[]);
        assert_eq!(
            summary.plain(),
            "sent=3 received=0 lost=3 size=10 min=- avg=- p50=- p99=- max=-"
        );
        assert!(summary.json().contains("\"p99_us\":null"));
    }
}
