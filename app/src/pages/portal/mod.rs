//! The restricted portal: pages for signed-in, active developers (and admins).

mod home;
pub mod profile;

pub use home::PortalHome;
