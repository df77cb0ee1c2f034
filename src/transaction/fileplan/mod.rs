//! File decisions for a transaction (helper C).
