# Every third-party library comes from Debian and is found by CMake (scripts/install-deps).
find_package(fmt 9 REQUIRED)
find_package(OpenSSL 3.0 REQUIRED)
find_package(Boost 1.74 REQUIRED)
# zlib: TLS-RPT reports are gzipped (RFC 8460 §5.2, engine/tlsrpt/gzip.cpp).
find_package(ZLIB REQUIRED)
# nlohmann-json: the engine writes TLS-RPT reports with it, so the fuzz build needs it too.
find_package(nlohmann_json 3 REQUIRED)
if(NOT STS_FUZZ_ONLY)
  find_package(Boost 1.74 REQUIRED COMPONENTS unit_test_framework)
  find_package(tomlplusplus 3 REQUIRED)
  find_package(Threads REQUIRED)
  find_package(PkgConfig REQUIRED)
  # Debian's cpp-httplib is a compiled library built with OpenSSL support: its pkg-config
  # flags must be used verbatim, or class layouts differ and it crashes (toolchain.md).
  pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib>=0.11)
  if(STS_BENCH)
    find_package(benchmark REQUIRED)
  endif()
endif()
