# Warning flags for our own targets only; third-party headers come in as SYSTEM includes so they
# do not flood -Wconversion.
function(aksarc_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
    -Wnon-virtual-dtor)
  if(AKSARC_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
