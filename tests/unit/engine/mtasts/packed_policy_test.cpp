// Tests engine/mtasts/packed_policy.hpp: a packed policy unpacks to exactly what was packed,
// whatever the sizes and bytes of its lines, and costs no more than its text.
#include "engine/mtasts/packed_policy.hpp"

#include "tests/support/covers.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace sts::mtasts {
inline std::ostream& boost_test_print_type(std::ostream& os, mode m) {
    return os << to_string(m);
}
}  // namespace sts::mtasts

BOOST_TEST_DONT_PRINT_LOG_VALUE(sts::mtasts::policy)

namespace {

using sts::mtasts::mode;
using sts::mtasts::packed_policy;
using sts::mtasts::policy;

policy sample_policy() {
    policy p;
    p.policy_mode = mode::enforce;
    p.max_age = std::chrono::seconds{604800};
    p.mx_patterns = {"mx1.example.com", "*.mail.example.net"};
    p.policy_strings = {"version: STSv1", "mode: enforce", "mx: mx1.example.com", "mx: *.mail.example.net",
                        "max_age: 604800"};
    return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mtasts_packed_policy)

BOOST_AUTO_TEST_CASE(unpack_returns_the_packed_policy_and_id) {
    const auto p = sample_policy();
    const packed_policy packed{"20240101T000000", p};
    BOOST_TEST(packed.policy_id() == "20240101T000000");
    BOOST_TEST(packed.unpack() == p);
    BOOST_TEST(packed.policy_mode() == mode::enforce);
    BOOST_TEST(packed.max_age().count() == 604800);
}

BOOST_AUTO_TEST_CASE(mode_none_policy_without_mx_round_trips) {
    policy p;
    p.policy_mode = mode::none;
    p.max_age = std::chrono::seconds{86400};
    p.policy_strings = {"version: STSv1", "mode: none", "max_age: 86400"};
    const packed_policy packed{"a", p};
    BOOST_TEST(packed.unpack() == p);
    BOOST_TEST(packed.unpack().mx_patterns.empty());
}

BOOST_AUTO_TEST_CASE(long_lines_and_any_bytes_round_trip) {
    // Lengths around the one- and two-byte length prefixes, a 64 KiB line, UTF-8, NUL.
    policy p = sample_policy();
    p.policy_strings.clear();
    for (const std::size_t n : {0u, 1u, 127u, 128u, 255u, 16383u, 16384u, 65536u}) {
        p.policy_strings.push_back(std::string(n, 'x'));
    }
    p.policy_strings.push_back(std::string("ext: caf\xc3\xa9\0end", 13));
    const packed_policy packed{std::string(32, 'Z'), p};
    BOOST_TEST(packed.unpack() == p);
    BOOST_TEST(packed.policy_id() == std::string(32, 'Z'));
}

BOOST_AUTO_TEST_CASE(packed_size_is_the_text_plus_one_length_byte_per_short_string) {
    const auto p = sample_policy();
    std::size_t text = 2;  // the id "id"
    for (const auto& s : p.mx_patterns) text += s.size();
    for (const auto& s : p.policy_strings) text += s.size();
    const std::size_t strings = 1 + p.mx_patterns.size() + p.policy_strings.size();
    const packed_policy packed{"id", p};
    BOOST_TEST(packed.packed_bytes() == text + strings + 2);  // + the two counts
}

BOOST_AUTO_TEST_CASE(default_packed_policy_is_empty) {
    const packed_policy packed;
    BOOST_TEST(packed.policy_id().empty());
    BOOST_TEST(packed.unpack() == policy{});
}

BOOST_AUTO_TEST_SUITE_END()
