// engine/tlsrpt/gzip.hpp
//
// gzip (RFC 1952) compression of a TLS-RPT report: RFC 8460 §5.2 [TLSRPT-16] says reports
// SHOULD be compressed with gzip for both transports, and the compressed form then travels
// as application/tlsrpt+gzip (§5.3, §5.4 [TLSRPT-17]) in a file named ".json.gz" (§5.1).
//
// The output is reproducible: the same input gives the same bytes. The gzip header holds
// no file name, modification time 0 ("no time stamp available", RFC 1952 §2.3.1) and the
// operating-system byte 255 ("unknown"), so neither the clock nor the build host leaks
// into a report; zlib's deflate itself is deterministic for a given level and zlib version.
//
// Not here: decompression (the engine never reads reports) and streaming; a report is a
// few kilobytes held in memory.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace sts::tlsrpt {

// The gzip member (magic 1f 8b, deflate, CRC-32 and size trailer) holding `data`.
std::vector<std::uint8_t> gzip_compress(std::string_view data);

}  // namespace sts::tlsrpt
