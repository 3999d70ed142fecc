//! Demoting an administrator to a developer: allowed for another active admin's account, never
//! for the last active one (Portico must keep someone who can run it), never for one's own.

use serde::{Deserialize, Serialize};

use super::{Role, Standing};

/// Why an administrator cannot be demoted, in words for the button's tooltip and the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum DemotionRefusal {
    #[error("You cannot demote yourself: ask another administrator.")]
    OwnAccount,
    #[error("The account is not an administrator.")]
    NotAnAdmin,
    #[error("This is the last active administrator: Portico needs at least one. Make another administrator first.")]
    LastAdmin,
}

/// Whether the account may become a developer. `other_active_admins` counts the active admins
/// besides this account, read under a lock by the caller (two admins demoting each other at
/// once cannot both pass).
pub fn decide_demotion(
    role: Role,
    standing: Standing,
    own_account: bool,
    other_active_admins: usize,
) -> Result<(), DemotionRefusal> {
    if role != Role::Admin {
        return Err(DemotionRefusal::NotAnAdmin);
    }
    if own_account {
        return Err(DemotionRefusal::OwnAccount);
    }
    if standing.is_active() && other_active_admins == 0 {
        return Err(DemotionRefusal::LastAdmin);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_admin_can_be_demoted_while_an_active_admin_remains() {
        assert_eq!(
            decide_demotion(Role::Admin, Standing::Active, false, 1),
            Ok(())
        );
        // A deactivated admin leaves the active ones as they are.
        assert_eq!(
            decide_demotion(Role::Admin, Standing::Deactivated, false, 0),
            Ok(())
        );
    }

    #[test]
    fn the_last_active_admin_oneself_and_developers_cannot_be_demoted() {
        assert_eq!(
            decide_demotion(Role::Admin, Standing::Active, false, 0),
            Err(DemotionRefusal::LastAdmin)
        );
        assert_eq!(
            decide_demotion(Role::Admin, Standing::Active, true, 3),
            Err(DemotionRefusal::OwnAccount)
        );
        assert_eq!(
            decide_demotion(Role::Developer, Standing::Active, false, 3),
            Err(DemotionRefusal::NotAnAdmin)
        );
    }
}
