# aksarc_embed_data(<target> <symbol> <file> [<symbol> <file> ...])
#
# Embeds data files in the binary with the assembler's .incbin: no code generator, no size limit
# on string literals, and the bytes are exactly the file's. Each file becomes two symbols,
# aksarc_embed_<symbol>_begin and aksarc_embed_<symbol>_end (plus a trailing NUL byte).
function(aksarc_embed_data target)
  set(args ${ARGN})
  set(sources)
  list(LENGTH args n)
  math(EXPR last "${n} - 1")
  foreach(i RANGE 0 ${last} 2)
    math(EXPR j "${i} + 1")
    list(GET args ${i} sym)
    list(GET args ${j} file)
    set(abs "${CMAKE_CURRENT_SOURCE_DIR}/${file}")
    set(out "${CMAKE_CURRENT_BINARY_DIR}/embed/${sym}.S")
    file(WRITE "${out}.in"
"    .section .rodata\n"
"    .global aksarc_embed_${sym}_begin\n"
"    .global aksarc_embed_${sym}_end\n"
"    .balign 16\n"
"aksarc_embed_${sym}_begin:\n"
"    .incbin \"${abs}\"\n"
"aksarc_embed_${sym}_end:\n"
"    .byte 0\n"
"    .section .note.GNU-stack,\"\",%progbits\n")
    configure_file("${out}.in" "${out}" COPYONLY)
    set_source_files_properties("${out}" PROPERTIES OBJECT_DEPENDS "${abs}")
    list(APPEND sources "${out}")
  endforeach()
  add_library(${target} OBJECT ${sources})
endfunction()
