#include "sim/report/build_id.hpp"

#include "reports/sha256.hpp"

#include <fstream>

namespace sts::sim {

std::optional<std::string> engine_build_id() {
    std::ifstream in("/proc/self/exe", std::ios::binary);
    if (!in) return std::nullopt;
    reports::sha256_stream digest;
    std::string chunk(1 << 20, '\0');
    while (in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        digest.add(std::string_view(chunk.data(), static_cast<std::size_t>(in.gcount())));
    }
    if (in.bad()) return std::nullopt;
    return digest.finish_hex();
}

}  // namespace sts::sim
