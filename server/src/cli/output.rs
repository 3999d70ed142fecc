//! The invitations list as a table, CSV or JSON, written row by row (a list of millions is
//! never held in memory).

use app::{model::invitation::InvitationRow, ssr::services::invitations::export};
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

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
            // The same file as the Invitations page's EXPORT CSV.
            Format::Csv => self.out.write_all(export::CSV_HEADER.as_bytes()),
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
            Format::Csv => self.out.write_all(export::csv_line(row).as_bytes()),
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
