//! Account recovery: `/forgot-password` asks for a link, `/password-reset/:token` (the
//! emailed link) chooses the new password.

mod forgot;
mod reset;

pub use forgot::ForgotPasswordPage;
pub use reset::ResetPasswordPage;
