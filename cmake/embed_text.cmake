# Script mode (cmake -P): embeds a text file into a C++ source as a std::string_view.
#   -DIN=<file> -DOUT=<generated .cpp> -DSYMBOL=<qualified name, e.g. sts::sim::x>
file(READ "${IN}" content)
string(FIND "${content}" ")sts_embedded\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter used for embedding")
endif()
string(REGEX MATCH "^(.*)::([^:]+)$" _ "${SYMBOL}")
set(ns "${CMAKE_MATCH_1}")
set(name "${CMAKE_MATCH_2}")
file(WRITE "${OUT}.tmp" "// Generated from ${IN} by cmake/embed_text.cmake; do not edit.\n#include <string_view>\nnamespace ${ns} {\nextern const std::string_view ${name};\nconst std::string_view ${name} = R\"sts_embedded(${content})sts_embedded\";\n}\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
