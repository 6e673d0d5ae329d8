// engine/mtasts/packed_policy.cpp
#include "engine/mtasts/packed_policy.hpp"

#include <cstddef>
#include <vector>

namespace sts::mtasts {
namespace {

void put_length(std::string& out, std::size_t n) {
    while (n >= 0x80) {
        out.push_back(static_cast<char>((n & 0x7f) | 0x80));
        n >>= 7;
    }
    out.push_back(static_cast<char>(n));
}

void put_string(std::string& out, std::string_view s) {
    put_length(out, s.size());
    out.append(s);
}

std::size_t length_bytes(std::size_t n) {
    std::size_t bytes = 1;
    for (; n >= 0x80; n >>= 7) ++bytes;
    return bytes;
}

// Reads what put_length/put_string wrote. The buffer comes only from the constructor, so
// a read past its end is a programmer error; the cursor still never leaves the buffer.
class reader {
public:
    explicit reader(std::string_view bytes) : bytes_(bytes) {}

    std::size_t length() {
        std::size_t n = 0;
        for (unsigned shift = 0; pos_ < bytes_.size() && shift < 64; shift += 7) {
            const auto byte = static_cast<unsigned char>(bytes_[pos_++]);
            n |= static_cast<std::size_t>(byte & 0x7f) << shift;
            if ((byte & 0x80) == 0) break;
        }
        return n;
    }

    std::string_view string() {
        const std::size_t n = length();
        const std::string_view s = bytes_.substr(pos_, n);
        pos_ += s.size();
        return s;
    }

private:
    std::string_view bytes_;
    std::size_t pos_ = 0;
};

std::vector<std::string> read_strings(reader& in) {
    const std::size_t count = in.length();
    std::vector<std::string> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) out.emplace_back(in.string());
    return out;
}

}  // namespace

packed_policy::packed_policy(std::string_view policy_id, const policy& p)
    : max_age_seconds_(p.max_age.count()), mode_(static_cast<std::uint8_t>(p.policy_mode)) {
    std::size_t size = length_bytes(policy_id.size()) + policy_id.size() +
                       length_bytes(p.mx_patterns.size()) + length_bytes(p.policy_strings.size());
    for (const auto& s : p.mx_patterns) size += length_bytes(s.size()) + s.size();
    for (const auto& s : p.policy_strings) size += length_bytes(s.size()) + s.size();
    bytes_.reserve(size);  // exactly one allocation, no slack
    put_string(bytes_, policy_id);
    put_length(bytes_, p.mx_patterns.size());
    for (const auto& s : p.mx_patterns) put_string(bytes_, s);
    put_length(bytes_, p.policy_strings.size());
    for (const auto& s : p.policy_strings) put_string(bytes_, s);
}

std::string_view packed_policy::policy_id() const {
    reader in{bytes_};
    return in.string();
}

policy packed_policy::unpack() const {
    reader in{bytes_};
    in.string();  // the id
    policy p;
    p.policy_mode = policy_mode();
    p.max_age = max_age();
    p.mx_patterns = read_strings(in);
    p.policy_strings = read_strings(in);
    return p;
}

}  // namespace sts::mtasts
