# Strict warnings for our own targets (not for third-party headers, which are system
# includes). Applied per target through sts_target_warnings().
function(sts_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
    -Wno-sign-conversion -Wnon-virtual-dtor -Woverloaded-virtual -Wimplicit-fallthrough)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 reports false positives on Asio's coroutine frames, and -Wrestrict false
    # positives inside std::string at -O2 (GCC bug 105329).
    target_compile_options(${target} PRIVATE -Wno-mismatched-new-delete -Wno-restrict)
  endif()
  if(STS_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
