//! SeaORM entities, one module per table.

pub mod account;
pub mod session;
