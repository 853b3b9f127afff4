//! The generated `stream()` / `pages()` / `paginate()` of cursor-paginated
//! list operations.

mod item_types;
mod prefetch_overlap;
mod raw;
mod walk;
