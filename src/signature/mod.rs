//! OpenPGP signatures and trust (helper E).
