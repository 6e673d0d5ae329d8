#include "engine/tlsrpt/gzip.hpp"

#include <zlib.h>

#include <cstdlib>
#include <limits>

namespace sts::tlsrpt {

namespace {

// RFC 1952 §2.3.1: OS = 255, unknown; MTIME = 0, no time stamp.
constexpr int os_unknown = 255;
// zlib: windowBits 15 plus 16 asks for a gzip wrapper instead of a zlib one.
constexpr int gzip_window_bits = 15 + 16;
constexpr int memory_level = 8;

}  // namespace

std::vector<std::uint8_t> gzip_compress(std::string_view data) {
    z_stream stream{};
    if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, gzip_window_bits, memory_level, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
        std::abort();  // only on out-of-memory or a bad parameter above: a programmer error
    }
    gz_header header{};
    header.time = 0;
    header.os = os_unknown;
    deflateSetHeader(&stream, &header);

    // A report is far below 4 GiB (uInt); larger input would be a programmer error.
    if (data.size() > std::numeric_limits<uInt>::max() / 2) std::abort();
    std::vector<std::uint8_t> out(deflateBound(&stream, static_cast<uLong>(data.size())) + 32);
    // zlib's API predates const; deflate never writes through next_in.
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = out.data();
    stream.avail_out = static_cast<uInt>(out.size());
    const int status = deflate(&stream, Z_FINISH);
    const auto written = stream.total_out;
    deflateEnd(&stream);
    // deflateBound() makes one Z_FINISH call enough: anything else is a zlib contract breach.
    if (status != Z_STREAM_END) std::abort();
    out.resize(written);
    return out;
}

}  // namespace sts::tlsrpt
