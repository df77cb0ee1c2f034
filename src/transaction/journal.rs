//! Transaction journal (helper D).
