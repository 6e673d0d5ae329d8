// libFuzzer target for engine/mtasts/policy_parser.hpp: any byte string is a possible policy
// body from a hostile HTTPS server. Besides "no crash, no sanitizer report", it checks the
// parser's contract on every input:
//   - a policy is returned exactly when there are no errors;
//   - a returned policy has an mx pattern unless its mode is none (STS-PARSE-08), its
//     max_age is within the one-year cap, and its patterns are lower-case ASCII;
//   - errors and notes never exceed core::limits::policy_findings_max, and every error
//     names a requirement and a rule.
// Seeds: fuzz/corpus/fuzz_policy/.
#include "engine/core/limits.hpp"
#include "engine/mtasts/policy_parser.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

void require(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    const auto result = sts::mtasts::parse_policy(body);

    require(result.parsed.has_value() == result.errors.empty());
    require(result.errors.size() <= sts::core::limits::policy_findings_max);
    require(result.notes.size() <= sts::core::limits::policy_findings_max);
    for (const auto& error : result.errors) {
        require(!error.requirement.empty());
        require(!error.rule.empty());
    }
    if (result.parsed) {
        const auto& p = *result.parsed;
        require(p.policy_mode == sts::mtasts::mode::none || !p.mx_patterns.empty());
        require(p.max_age >= std::chrono::seconds{0});
        require(p.max_age <= sts::core::limits::policy_max_age_max);
        require(p.mx_patterns.size() <= sts::core::limits::policy_mx_patterns_max);
        for (const auto& pattern : p.mx_patterns) {
            require(!pattern.empty());
            for (const char c : pattern) require(c == '.' || c == '-' || c == '*' ||
                                                 (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
        }
        require(!p.policy_strings.empty());
    }
    return 0;
}
