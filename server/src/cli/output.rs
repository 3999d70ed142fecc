//! The invitations list as a table, CSV or JSON, written row by row (a list of millions is
//! never held in memory).

use app::model::invitation::InvitationRow;
use chrono::{DateTime, SecondsFormat, Utc};
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

const CSV_HEADER: [&str; 11] = [
    "id",
    "email",
    "status",
    "role",
    "origin",
    "pre_approved",
    "invited_at",
    "valid_until",
    "full_name",
    "completed_at",
    "email_delivery",
];

pub struct Printer<W: Write> {
    format: Format,
    out: W,
    rows: u64,
}

impl<W: Write> Printer<W> {
    pub fn new(format: Format, out: W) -> Self {
        Self {
            format,
            out,
            rows: 0,
        }
    }

    pub fn start(&mut self) -> io::Result<()> {
        match self.format {
            Format::Table => writeln!(
                self.out,
                "{:>7}  {:<40}  {:<11}  {:<9}  {:<16}  {:<16}  EMAIL",
                "ID", "ADDRESS", "STATUS", "ROLE", "INVITED (UTC)", "VALID UNTIL"
            ),
            Format::Csv => csv_line(&mut self.out, CSV_HEADER.map(String::from)),
            Format::Json => write!(self.out, "["),
        }
    }

    pub fn row(&mut self, row: &InvitationRow) -> io::Result<()> {
        let first = self.rows == 0;
        self.rows += 1;
        match self.format {
            Format::Table => writeln!(
                self.out,
                "{:>7}  {:<40}  {:<11}  {:<9}  {:<16}  {:<16}  {}",
                row.id,
                row.email,
                row.status.label(),
                row.role.as_str(),
                row.invited_at.format("%Y-%m-%d %H:%M").to_string(),
                row.valid_until.format("%Y-%m-%d %H:%M").to_string(),
                row.delivery.as_ref().map_or("-", |d| d.state.label()),
            ),
            Format::Csv => csv_line(
                &mut self.out,
                [
                    row.id.to_string(),
                    row.email.clone(),
                    row.status.as_str().into(),
                    row.role.as_str().into(),
                    row.origin.as_str().into(),
                    row.pre_approved.to_string(),
                    time(row.invited_at),
                    time(row.valid_until),
                    row.full_name.clone().unwrap_or_default(),
                    row.completed_at.map(time).unwrap_or_default(),
                    row.delivery
                        .as_ref()
                        .map(|d| d.state.as_str().to_owned())
                        .unwrap_or_default(),
                ],
            ),
            Format::Json => {
                self.out.write_all(if first { b"\n  " } else { b",\n  " })?;
                serde_json::to_writer(&mut self.out, row).map_err(io::Error::other)
            }
        }
    }

    pub fn finish(mut self) -> io::Result<()> {
        match self.format {
            Format::Table => {
                let plural = if self.rows == 1 { "" } else { "s" };
                writeln!(self.out, "{} invitation{plural}.", self.rows)?
            }
            Format::Csv => {}
            Format::Json if self.rows == 0 => writeln!(self.out, "]")?,
            Format::Json => writeln!(self.out, "\n]")?,
        }
        self.out.flush()
    }
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// One CSV record (RFC 4180): a field holding a comma, a quote, CR or LF is quoted, its
/// quotes doubled; records end with CRLF.
fn csv_line<const N: usize>(out: &mut impl Write, fields: [String; N]) -> io::Result<()> {
    let quoted: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    write!(out, "{}\r\n", quoted.join(","))
}

fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_with_separators_quotes_or_line_breaks_are_quoted() {
        assert_eq!(csv_field("dev@example.com"), "dev@example.com");
        assert_eq!(csv_field("Ada, Countess"), "\"Ada, Countess\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("cr\rhere"), "\"cr\rhere\"");
        assert_eq!(csv_field(""), "");
    }
}
