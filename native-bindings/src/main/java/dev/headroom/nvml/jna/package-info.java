/**
 * The raw NVML binding: one-to-one with the C API of {@code nvml.h} and nothing else.
 *
 * <ul>
 *   <li>Entry points are JNA direct-mapped {@code static native} methods named exactly as the
 *       exported (suffixed) symbols, grouped into one class per set of symbols that an older
 *       driver may lack as a whole ({@code Nvml*Api}); {@link NvmlCoreApi} holds what every
 *       supported driver exports. Struct pointers are passed as {@link com.sun.jna.Pointer}s into
 *       native memory laid out by the structure classes, so a call costs no reflection.
 *   <li>One {@link com.sun.jna.Structure} class per C struct, fields named and ordered as in C.
 *       They are the single source of every size and offset the facade reads.
 *   <li>Constants: {@link NvmlReturn} (return codes) and {@link NvmlConstants}.
 * </ul>
 *
 * <p>No logic lives here; the facade {@code dev.headroom.nvml} decides which group to register and
 * what a return code means. Nothing outside {@code native-bindings} sees these types.
 */
package dev.headroom.nvml.jna;
