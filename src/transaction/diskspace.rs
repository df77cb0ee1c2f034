//! Disk space checks (helper D).
