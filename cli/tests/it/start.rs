//! How the debug binary is linked for these tests' many starts
//! (`cli/build.rs`).

#[test]
#[cfg(all(target_os = "linux", target_env = "gnu", debug_assertions))]
fn the_debug_binary_is_position_dependent_so_it_starts_without_relocating() {
    let path = env!("CARGO_BIN_EXE_incidentio");
    let bytes = std::fs::read(path).expect("the binary");
    assert_eq!(&bytes[..4], b"\x7fELF", "{path} is not ELF");
    // The ELF header's `e_type` (little-endian on every target the build
    // script covers): 2 is a position-dependent executable (`ET_EXEC`), 3 a
    // position-independent one (`ET_DYN`), which the loader relocates.
    assert_eq!(u16::from_le_bytes([bytes[16], bytes[17]]), 2, "{path}");
}
