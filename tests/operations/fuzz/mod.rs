//! The bounded fuzz campaign over every operation's success type
//! (`tests/it/fuzz/` holds the campaigns against the client's other
//! parsers).

mod response_decode;
