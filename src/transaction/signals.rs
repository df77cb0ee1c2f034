//! Signal holding (helper D).
