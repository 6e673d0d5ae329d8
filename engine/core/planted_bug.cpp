#include "engine/core/planted_bug.hpp"

#include <array>

namespace sts::core {

namespace {

constexpr std::array all_bugs{
    planted_bug::multiple_txt_records_accepted, planted_bug::refetch_on_same_id,
    planted_bug::skip_mx_match,                 planted_bug::enforce_treated_as_testing,
    planted_bug::testing_treated_as_enforce,    planted_bug::dane_ignored,
    planted_bug::report_mail_under_policy,
};

}  // namespace

std::string_view to_string(planted_bug b) {
    switch (b) {
        case planted_bug::none: return "none";
        case planted_bug::multiple_txt_records_accepted: return "multiple_txt_records_accepted";
        case planted_bug::refetch_on_same_id: return "refetch_on_same_id";
        case planted_bug::skip_mx_match: return "skip_mx_match";
        case planted_bug::enforce_treated_as_testing: return "enforce_treated_as_testing";
        case planted_bug::testing_treated_as_enforce: return "testing_treated_as_enforce";
        case planted_bug::dane_ignored: return "dane_ignored";
        case planted_bug::report_mail_under_policy: return "report_mail_under_policy";
    }
    return "none";
}

std::optional<planted_bug> planted_bug_named(std::string_view name) {
    if (name == "none") return planted_bug::none;
    for (const auto b : all_bugs)
        if (to_string(b) == name) return b;
    return std::nullopt;
}

std::span<const planted_bug> planted_bugs() { return all_bugs; }

}  // namespace sts::core
