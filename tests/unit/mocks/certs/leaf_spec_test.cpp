// Tests mocks/certs/leaf_spec.hpp: the bounds on a spec from a world file, and a canonical
// form that tells apart exactly the specs that give different certificates.
#include "mocks/certs/leaf_spec.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

using namespace std::chrono_literals;
using namespace sts::mocks;

namespace {

leaf_spec valid_spec() {
    leaf_spec spec;
    spec.dns_names = {"mx1.example.test"};
    return spec;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mocks_leaf_spec)

BOOST_AUTO_TEST_CASE(a_default_spec_with_names_or_none_is_valid) {
    BOOST_TEST(validate(valid_spec()).empty());
    BOOST_TEST(validate(leaf_spec{}).empty());
    auto hostile = valid_spec();
    hostile.dns_names = {std::string{"mx1.example.test\0.evil.test", 27}, "*.*.example.test", "a,b"};
    BOOST_TEST(validate(hostile).empty());
}

BOOST_AUTO_TEST_CASE(names_out_of_bounds_are_refused) {
    auto spec = valid_spec();
    spec.dns_names.assign(leaf_dns_names_max + 1, "mx.example.test");
    BOOST_TEST(!validate(spec).empty());
    spec.dns_names = {""};
    BOOST_TEST(!validate(spec).empty());
    spec.dns_names = {std::string(leaf_dns_name_bytes_max + 1, 'a')};
    BOOST_TEST(!validate(spec).empty());
    spec.dns_names = {std::string(leaf_dns_name_bytes_max, 'a')};
    BOOST_TEST(validate(spec).empty());
    spec.dns_names = {"b\xc3\xa4r.example.test"};
    BOOST_TEST(!validate(spec).empty());
}

BOOST_AUTO_TEST_CASE(common_names_out_of_bounds_are_refused) {
    auto spec = valid_spec();
    spec.common_name = std::string(leaf_common_name_bytes_max, 'a');
    BOOST_TEST(validate(spec).empty());
    spec.common_name = std::string(leaf_common_name_bytes_max + 1, 'a');
    BOOST_TEST(!validate(spec).empty());
    spec.common_name = "";
    BOOST_TEST(!validate(spec).empty());
    spec.common_name = "tab\there";
    BOOST_TEST(!validate(spec).empty());
}

BOOST_AUTO_TEST_CASE(a_validity_that_ends_before_it_starts_or_leaves_x509_years_is_refused) {
    auto spec = valid_spec();
    spec.not_after = spec.not_before;
    BOOST_TEST(validate(spec).empty());  // a zero-length window is odd but expressible
    spec.not_after = spec.not_before - 1s;
    BOOST_TEST(validate(spec) == "not_after is before not_before");
    spec = valid_spec();
    spec.not_after = std::chrono::sys_days{std::chrono::year{10000} / 1 / 1};
    BOOST_TEST(!validate(spec).empty());
    spec = valid_spec();
    spec.not_before = std::chrono::sys_days{std::chrono::year{1949} / 12 / 31};
    BOOST_TEST(!validate(spec).empty());
}

BOOST_AUTO_TEST_CASE(intermediate_counts_outside_1_to_64_are_refused) {
    auto spec = valid_spec();
    for (const int count : {0, -1, leaf_intermediate_count_max + 1}) {
        spec.intermediate_count = count;
        BOOST_TEST(!validate(spec).empty());
    }
    spec.intermediate_count = leaf_intermediate_count_max;
    BOOST_TEST(validate(spec).empty());
    spec.key_label = std::string(leaf_key_label_bytes_max + 1, 'k');
    BOOST_TEST(!validate(spec).empty());
}

BOOST_AUTO_TEST_CASE(a_path_length_is_bounded_and_needs_an_intermediate_issuer) {
    auto spec = valid_spec();
    // Unset, the canonical form (and so every existing certificate) is what it was.
    BOOST_TEST(canonical_form(spec).find("pathlen") == std::string::npos);
    spec.top_intermediate_path_length = 0;
    BOOST_TEST(validate(spec).empty());
    spec.top_intermediate_path_length = leaf_intermediate_count_max;
    BOOST_TEST(validate(spec).empty());
    spec.top_intermediate_path_length = -1;
    BOOST_TEST(!validate(spec).empty());
    spec.top_intermediate_path_length = leaf_intermediate_count_max + 1;
    BOOST_TEST(!validate(spec).empty());
    spec.top_intermediate_path_length = 0;
    spec.issuer = issuer_kind::root;
    BOOST_TEST(!validate(spec).empty());
}

BOOST_AUTO_TEST_CASE(the_canonical_form_separates_specs_that_differ_in_the_certificate) {
    auto one_name = valid_spec();
    one_name.dns_names = {"a,b"};
    auto two_names = valid_spec();
    two_names.dns_names = {"a", "b"};
    BOOST_TEST(canonical_form(one_name) != canonical_form(two_names));

    auto cn = valid_spec();
    cn.common_name = "mx1.example.test";
    BOOST_TEST(canonical_form(cn) != canonical_form(valid_spec()));
    auto later = valid_spec();
    later.not_after -= 1s;
    BOOST_TEST(canonical_form(later) != canonical_form(valid_spec()));
    for (auto change :
         {+[](leaf_spec& s) { s.issuer = issuer_kind::root; },
          +[](leaf_spec& s) { s.key = key_type::rsa_1024; },
          +[](leaf_spec& s) { s.usage = usage_profile::client_auth_only; },
          +[](leaf_spec& s) { s.intermediate_count = 2; }, +[](leaf_spec& s) { s.key_label = "mx1"; },
          +[](leaf_spec& s) { s.top_intermediate_path_length = 0; }}) {
        auto changed = valid_spec();
        change(changed);
        BOOST_TEST(canonical_form(changed) != canonical_form(valid_spec()));
    }
}

BOOST_AUTO_TEST_CASE(the_canonical_form_ignores_what_does_not_reach_the_certificate) {
    auto without = valid_spec();
    without.include_intermediates = false;
    BOOST_TEST(canonical_form(without) == canonical_form(valid_spec()));
    auto millis = valid_spec();
    millis.not_before += 999ms;  // X.509 keeps whole seconds
    BOOST_TEST(canonical_form(millis) == canonical_form(valid_spec()));
    auto root_a = valid_spec();
    root_a.issuer = issuer_kind::root;
    auto root_b = root_a;
    root_b.intermediate_count = 5;
    BOOST_TEST(canonical_form(root_a) == canonical_form(root_b));
}

BOOST_AUTO_TEST_SUITE_END()
