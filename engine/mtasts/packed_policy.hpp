// engine/mtasts/packed_policy.hpp
//
// The stored form of one cached policy: the TXT id it was published under and the policy
// itself, packed into a single heap buffer. The cache must hold a million policies in well
// under 512 MiB; a plain mtasts::policy costs two vectors and a string object per line and
// pattern (about 350 bytes for a four-line policy), this costs one allocation of about the
// policy's text size.
//
// Layout of the buffer, every string as a LEB128 length followed by its bytes:
//   id, mx pattern count, mx patterns..., policy line count, policy lines...
// The mode and max_age sit outside the buffer so that expiry checks never decode it.
//
// The buffer is only ever written by the constructor, so unpack() trusts it. This is not a
// persistence format: the file a later issue writes stores the unpacked fields.
#pragma once

#include "engine/mtasts/policy.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace sts::mtasts {

class packed_policy {
public:
    packed_policy() = default;
    packed_policy(std::string_view policy_id, const policy& p);

    // The id and policy exactly as given to the constructor.
    std::string_view policy_id() const;
    policy unpack() const;

    mode policy_mode() const { return static_cast<mode>(mode_); }
    std::chrono::seconds max_age() const { return std::chrono::seconds{max_age_seconds_}; }

    // Bytes of the buffer, for memory estimates.
    std::size_t packed_bytes() const { return bytes_.size(); }

    friend bool operator==(const packed_policy&, const packed_policy&) = default;

private:
    std::string bytes_;
    std::int64_t max_age_seconds_ = 0;
    std::uint8_t mode_ = static_cast<std::uint8_t>(mode::none);
};

}  // namespace sts::mtasts
