// reports/sha256.hpp
//
// SHA-256 (FIPS 180-4) as lower-case hex, for the digests the reports and the certificate
// carry: conformance.json's `digest`, the scenario files' hashes, the suite digest and the
// engine build id. A digest names content, so two runs agree on it only when they agree on
// every byte.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace sts::reports {

// 64 lower-case hex digits.
std::string sha256_hex(std::string_view bytes);

// An incremental digest over several pieces, for content too large to join first.
class sha256_stream {
public:
    sha256_stream();
    ~sha256_stream();
    sha256_stream(const sha256_stream&) = delete;
    sha256_stream& operator=(const sha256_stream&) = delete;

    void add(std::string_view bytes);
    // The digest of everything added; the stream is spent afterwards.
    std::string finish_hex();

private:
    struct state;
    std::unique_ptr<state> state_;
};

}  // namespace sts::reports
