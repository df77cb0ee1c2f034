//! Configuration: `tdnf.conf`, `*.repo`, variables, and the resolved
//! [`Settings`] of one run.

pub mod ini;
pub mod main_conf;
pub mod repo_conf;
pub mod settings;
pub mod vars;

pub use main_conf::MainConf;
pub use repo_conf::{Expire, RepoConf};
pub use settings::Settings;
