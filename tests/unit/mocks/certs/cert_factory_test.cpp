// Tests mocks/certs/cert_factory.hpp: determinism across factories, the CA hierarchy and
// every leaf fault verified by OpenSSL at a chosen (virtual) time, host matching, key
// usage, weak keys, caching, and the cost of issuing many leaves.
#include "mocks/certs/cert_factory.hpp"

#include "mocks/certs/openssl_access.hpp"

#include <boost/test/unit_test.hpp>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <fmt/format.h>

#include <chrono>
#include <set>

using namespace std::chrono_literals;
using sts::core::time_point;
using namespace sts::mocks;

namespace {

const time_point t0{std::chrono::sys_days{std::chrono::year{2024} / 9 / 26} + 15h};

leaf_spec spec_for(std::vector<std::string> names) {
    leaf_spec spec;
    spec.dns_names = std::move(names);
    spec.not_before = t0 - 24h * 30;
    spec.not_after = t0 + 24h * 60;
    return spec;
}

std::vector<std::string> pem_blocks_as_der(const std::string& pem) {
    ossl::bio_ptr bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
    std::vector<std::string> out;
    while (ossl::x509_ptr x{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
        unsigned char* raw = nullptr;
        const int size = i2d_X509(x.get(), &raw);
        const ossl::buffer_ptr owned{raw};
        out.emplace_back(reinterpret_cast<const char*>(raw), static_cast<std::size_t>(size));
    }
    ERR_clear_error();  // the loop ends on "no start line"
    return out;
}

// X509_V_OK or the error OpenSSL reports for the leaf sent with its chain, against the
// factory's trust store as PEM, at time t.
int verify_at(const cert_factory& factory, const leaf_credentials& credentials, time_point t,
              int purpose = 0) {
    ossl::x509_store_ptr store{X509_STORE_new()};
    const auto trusted = factory.trust_store_pem();
    ossl::bio_ptr bio{BIO_new_mem_buf(trusted.data(), static_cast<int>(trusted.size()))};
    int anchors = 0;
    while (ossl::x509_ptr x{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
        BOOST_REQUIRE(X509_STORE_add_cert(store.get(), x.get()) == 1);
        ++anchors;
    }
    ERR_clear_error();
    BOOST_REQUIRE(anchors == 1);

    STACK_OF(X509)* untrusted = sk_X509_new_null();
    for (const auto& cert : credentials.chain) sk_X509_push(untrusted, x509_of(cert));
    ossl::x509_store_ctx_ptr ctx{X509_STORE_CTX_new()};
    BOOST_REQUIRE(X509_STORE_CTX_init(ctx.get(), store.get(), x509_of(credentials.leaf), untrusted) == 1);
    X509_STORE_CTX_set_time(ctx.get(), 0, std::chrono::system_clock::to_time_t(t));
    if (purpose != 0) BOOST_REQUIRE(X509_STORE_CTX_set_purpose(ctx.get(), purpose) == 1);
    const int ok = X509_verify_cert(ctx.get());
    const int error = X509_STORE_CTX_get_error(ctx.get());
    sk_X509_free(untrusted);
    return ok == 1 ? X509_V_OK : error;
}

bool host_matches(const certificate& cert, const std::string& host, unsigned flags = 0) {
    return X509_check_host(x509_of(cert), host.data(), host.size(), flags, nullptr) == 1;
}

double milliseconds_since(std::chrono::steady_clock::time_point start) {
    const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
    return elapsed.count();
}

ossl::ssl_ctx_ptr server_context(int security_level) {
    ossl::ssl_ctx_ptr ctx{SSL_CTX_new(TLS_server_method())};
    BOOST_REQUIRE(ctx);
    SSL_CTX_set_security_level(ctx.get(), security_level);
    return ctx;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mocks_cert_factory)

BOOST_AUTO_TEST_CASE(same_seed_and_spec_give_byte_identical_certificates_in_two_factories) {
    const cert_factory a{7};
    const cert_factory b{7};
    BOOST_TEST(a.root().der() == b.root().der());
    BOOST_TEST(a.intermediate(3).der() == b.intermediate(3).der());
    BOOST_TEST(a.untrusted_root().der() == b.untrusted_root().der());
    BOOST_TEST(a.interception_ca().der() == b.interception_ca().der());
    BOOST_TEST(a.trust_store_pem() == b.trust_store_pem());

    auto self_signed = spec_for({"mx1.example.test"});
    self_signed.issuer = issuer_kind::self_signed;
    auto weak = spec_for({"mx2.example.test"});
    weak.key = key_type::rsa_1024;
    auto deep = spec_for({"mx3.example.test"});
    deep.intermediate_count = 4;
    for (const auto& spec : {spec_for({"mx1.example.test", "*.example.test"}), self_signed, weak, deep}) {
        const auto from_a = a.issue_leaf(spec).value();
        const auto from_b = b.issue_leaf(spec).value();
        BOOST_TEST(from_a.leaf.der() == from_b.leaf.der());
        BOOST_TEST(from_a.key_pem() == from_b.key_pem());
        BOOST_TEST(from_a.chain_pem() == from_b.chain_pem());
    }
}

BOOST_AUTO_TEST_CASE(the_root_of_seed_7_keeps_its_published_fingerprint) {
    // Pins the whole derivation (key stream, serial, names, extensions, RFC 6979 nonce).
    // TLSA records, logs and reports recorded with seed 7 change when this does, so a
    // new value must be a deliberate change, noted in docs/decisions.md.
    const cert_factory factory{7};
    std::array<unsigned char, 32> digest{};
    const auto& der = factory.root().der();
    BOOST_REQUIRE(EVP_Digest(der.data(), der.size(), digest.data(), nullptr, EVP_sha256(), nullptr) == 1);
    std::string hex;
    for (const auto byte : digest) hex += fmt::format("{:02x}", byte);
    BOOST_TEST_MESSAGE("root certificate SHA-256 for seed 7: " << hex);
    BOOST_TEST(hex == "d600a221c597ae4f41c2c324d4046869ef0371e1b09bd3a92954dbc977e0bd8e");
}

BOOST_AUTO_TEST_CASE(different_seeds_give_different_keys_and_certificates) {
    const cert_factory a{7};
    const cert_factory b{8};
    BOOST_TEST(a.root().der() != b.root().der());
    BOOST_TEST(a.root().subject_public_key_info_der() != b.root().subject_public_key_info_der());
    const auto spec = spec_for({"mx1.example.test"});
    const auto from_a = a.issue_leaf(spec).value();
    const auto from_b = b.issue_leaf(spec).value();
    BOOST_TEST(from_a.leaf.der() != from_b.leaf.der());
    BOOST_TEST(from_a.key_pem() != from_b.key_pem());
}

BOOST_AUTO_TEST_CASE(every_certificate_is_signed_by_the_key_of_its_issuer) {
    const cert_factory factory{7};
    const auto check = [](const certificate& cert, const certificate& signer) {
        BOOST_TEST(X509_verify(x509_of(cert), X509_get0_pubkey(x509_of(signer))) == 1);
        BOOST_TEST(cert.issuer() == signer.subject());
    };
    check(factory.root(), factory.root());
    check(factory.intermediate(1), factory.root());
    check(factory.intermediate(2), factory.intermediate(1));
    for (const auto kind : {issuer_kind::root, issuer_kind::intermediate, issuer_kind::untrusted_root,
                            issuer_kind::self_signed, issuer_kind::interception}) {
        auto spec = spec_for({"mx1.example.test"});
        spec.issuer = kind;
        const auto credentials = factory.issue_leaf(spec).value();
        check(credentials.leaf, credentials.issuer);
    }
    auto rsa_self_signed = spec_for({"mx1.example.test"});
    rsa_self_signed.issuer = issuer_kind::self_signed;
    rsa_self_signed.key = key_type::rsa_1024;
    const auto credentials = factory.issue_leaf(rsa_self_signed).value();
    check(credentials.leaf, credentials.leaf);
}

BOOST_AUTO_TEST_CASE(a_leaf_under_the_intermediate_verifies_inside_its_validity) {
    const cert_factory factory{7};
    const auto credentials = factory.issue_leaf(spec_for({"mx1.example.test"})).value();
    BOOST_TEST(credentials.chain.size() == 1u);
    BOOST_TEST((credentials.issuer == factory.intermediate(1)));
    BOOST_TEST((credentials.anchor == factory.root()));
    BOOST_TEST(verify_at(factory, credentials, t0) == X509_V_OK);
    BOOST_TEST(verify_at(factory, credentials, t0, X509_PURPOSE_SSL_SERVER) == X509_V_OK);

    auto under_root = spec_for({"mx1.example.test"});
    under_root.issuer = issuer_kind::root;
    const auto direct = factory.issue_leaf(under_root).value();
    BOOST_TEST(direct.chain.empty());
    BOOST_TEST(verify_at(factory, direct, t0) == X509_V_OK);
}

BOOST_AUTO_TEST_CASE(revocation_pointers_are_written_only_when_asked_for) {
    const cert_factory factory{7};
    auto spec = spec_for({"mx1.example.test"});
    const auto plain = factory.issue_leaf(spec).value();
    BOOST_TEST(X509_get_ext_by_NID(sts::mocks::x509_of(plain.leaf), NID_info_access, -1) < 0);
    spec.ocsp_url = "http://ocsp.ca.test/";
    spec.crl_url = "http://crl.ca.test/ca.crl";
    const auto pointed = factory.issue_leaf(spec).value();
    BOOST_TEST(X509_get_ext_by_NID(sts::mocks::x509_of(pointed.leaf), NID_info_access, -1) >= 0);
    BOOST_TEST(X509_get_ext_by_NID(sts::mocks::x509_of(pointed.leaf), NID_crl_distribution_points, -1) >= 0);
    BOOST_TEST(pointed.leaf.pem() != plain.leaf.pem());
    spec.ocsp_url = "http://a.test/,URI:http://b.test/";
    BOOST_TEST(!sts::mocks::validate(spec).empty());
}

BOOST_AUTO_TEST_CASE(a_leaf_is_expired_from_its_not_after_on) {
    const cert_factory factory{7};
    auto spec = spec_for({"mx1.example.test"});
    spec.not_after = t0 - 24h;  // the world's "-1d"
    const auto credentials = factory.issue_leaf(spec).value();
    BOOST_TEST(verify_at(factory, credentials, t0) == X509_V_ERR_CERT_HAS_EXPIRED);
    BOOST_TEST(verify_at(factory, credentials, spec.not_after - 1s) == X509_V_OK);
    // OpenSSL treats notAfter as exclusive, although RFC 5280 §4.1.2.5 includes it.
    BOOST_TEST(verify_at(factory, credentials, spec.not_after) == X509_V_ERR_CERT_HAS_EXPIRED);
}

BOOST_AUTO_TEST_CASE(a_leaf_is_not_yet_valid_before_its_not_before) {
    const cert_factory factory{7};
    auto spec = spec_for({"mx1.example.test"});
    spec.not_before = t0 + 24h;
    const auto credentials = factory.issue_leaf(spec).value();
    BOOST_TEST(verify_at(factory, credentials, t0) == X509_V_ERR_CERT_NOT_YET_VALID);
    BOOST_TEST(verify_at(factory, credentials, spec.not_before - 1s) == X509_V_ERR_CERT_NOT_YET_VALID);
    BOOST_TEST(verify_at(factory, credentials, spec.not_before) == X509_V_OK);
}

BOOST_AUTO_TEST_CASE(leaves_of_the_untrusted_root_and_the_interception_ca_find_no_trusted_issuer) {
    const cert_factory factory{7};
    for (const auto kind : {issuer_kind::untrusted_root, issuer_kind::interception}) {
        auto spec = spec_for({"mta-sts.example.test"});
        spec.issuer = kind;
        const auto credentials = factory.issue_leaf(spec).value();
        BOOST_TEST(credentials.chain.empty());
        BOOST_TEST((credentials.anchor == (kind == issuer_kind::untrusted_root ? factory.untrusted_root()
                                                                               : factory.interception_ca())));
        BOOST_TEST(verify_at(factory, credentials, t0) == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    }
}

BOOST_AUTO_TEST_CASE(a_self_signed_leaf_fails_as_self_signed_at_depth_zero) {
    const cert_factory factory{7};
    auto spec = spec_for({"mx1.example.test"});
    spec.issuer = issuer_kind::self_signed;
    const auto credentials = factory.issue_leaf(spec).value();
    BOOST_TEST(credentials.leaf.issuer() == credentials.leaf.subject());
    BOOST_TEST((credentials.anchor == credentials.leaf));
    BOOST_TEST(verify_at(factory, credentials, t0) == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
}

BOOST_AUTO_TEST_CASE(a_leaf_sent_without_its_intermediate_fails_but_is_the_same_certificate) {
    const cert_factory factory{7};
    auto spec = spec_for({"mx1.example.test"});
    const auto complete = factory.issue_leaf(spec).value();
    spec.include_intermediates = false;
    const auto missing = factory.issue_leaf(spec).value();
    BOOST_TEST(missing.chain.empty());
    BOOST_TEST((missing.leaf == complete.leaf));
    BOOST_TEST(verify_at(factory, missing, t0) == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    BOOST_TEST(factory.issued_count() == 1u);
}

BOOST_AUTO_TEST_CASE(a_chain_of_fifty_intermediates_verifies_and_is_sent_nearest_issuer_first) {
    const cert_factory factory{7};
    auto spec = spec_for({"mx1.example.test"});
    spec.intermediate_count = 50;
    const auto credentials = factory.issue_leaf(spec).value();
    BOOST_REQUIRE(credentials.chain.size() == 50u);
    BOOST_TEST((credentials.chain.front() == factory.intermediate(50)));
    BOOST_TEST((credentials.chain.back() == factory.intermediate(1)));
    BOOST_TEST((credentials.issuer == factory.intermediate(50)));
    BOOST_TEST(verify_at(factory, credentials, t0) == X509_V_OK);
}

BOOST_AUTO_TEST_CASE(a_path_length_goes_to_a_separate_top_intermediate_and_pkix_rejects_the_long_chain) {
    const cert_factory factory(7);
    auto spec = spec_for({"mx1.example.test"});
    spec.intermediate_count = 2;
    const auto open = factory.issue_leaf(spec);
    spec.top_intermediate_path_length = 0;
    const auto constrained = factory.issue_leaf(spec);
    BOOST_REQUIRE(open.has_value());
    BOOST_REQUIRE(constrained.has_value());
    BOOST_REQUIRE_EQUAL(constrained->chain.size(), 2U);
    // The shared intermediates keep their bytes; the constrained chain is a different one.
    BOOST_TEST(open->chain.back().der() == factory.intermediate(1).der());
    BOOST_TEST(constrained->chain.back().der() != factory.intermediate(1).der());
    BOOST_TEST(constrained->leaf.der() != open->leaf.der());
    BOOST_TEST(X509_get_pathlen(x509_of(constrained->chain.back())) == 0);
    BOOST_TEST(X509_get_pathlen(x509_of(constrained->chain.front())) == -1);
    BOOST_TEST(X509_get_pathlen(x509_of(factory.intermediate(1))) == -1);
    BOOST_TEST(verify_at(factory, *open, t0) == X509_V_OK);
    BOOST_TEST(verify_at(factory, *constrained, t0) == X509_V_ERR_PATH_LENGTH_EXCEEDED);

    // With one intermediate the same constraint is kept.
    spec.intermediate_count = 1;
    const auto single = factory.issue_leaf(spec);
    BOOST_REQUIRE(single.has_value());
    BOOST_TEST(verify_at(factory, *single, t0) == X509_V_OK);
}

BOOST_AUTO_TEST_CASE(the_chain_pem_holds_the_leaf_then_its_intermediates) {
    const cert_factory factory{7};
    auto spec = spec_for({"mx1.example.test"});
    spec.intermediate_count = 2;
    const auto credentials = factory.issue_leaf(spec).value();
    const auto blocks = pem_blocks_as_der(credentials.chain_pem());
    BOOST_REQUIRE(blocks.size() == 3u);
    BOOST_TEST(blocks[0] == credentials.leaf.der());
    BOOST_TEST(blocks[1] == factory.intermediate(2).der());
    BOOST_TEST(blocks[2] == factory.intermediate(1).der());
    const auto trusted = pem_blocks_as_der(factory.trust_store_pem());
    BOOST_REQUIRE(trusted.size() == 1u);
    BOOST_TEST(trusted[0] == factory.root().der());
}

BOOST_AUTO_TEST_CASE(dns_names_and_wildcards_match_hosts_as_x509_check_host_sees_them) {
    const cert_factory factory{7};
    const auto leaf = factory.issue_leaf(spec_for({"mx1.example.test", "*.example.net"})).value().leaf;
    BOOST_TEST(host_matches(leaf, "mx1.example.test"));
    BOOST_TEST(host_matches(leaf, "MX1.Example.Test"));
    BOOST_TEST(!host_matches(leaf, "mx2.example.test"));
    BOOST_TEST(host_matches(leaf, "mx2.example.net"));
    BOOST_TEST(!host_matches(leaf, "a.mx2.example.net"));  // one label only
    BOOST_TEST(!host_matches(leaf, "example.net"));
    BOOST_TEST(!host_matches(leaf, "mx2.example.net", X509_CHECK_FLAG_NO_WILDCARDS));
}

BOOST_AUTO_TEST_CASE(a_common_name_only_certificate_has_no_subject_alt_name) {
    const cert_factory factory{7};
    auto spec = spec_for({});
    spec.common_name = "mx1.example.test";
    const auto leaf = factory.issue_leaf(spec).value().leaf;
    BOOST_TEST(X509_get_ext_by_NID(x509_of(leaf), NID_subject_alt_name, -1) < 0);
    BOOST_TEST(leaf.subject() == "CN=mx1.example.test,O=mtasts-sim test");
    // Only OpenSSL's legacy CN fallback matches it; RFC 6125 §6.4.4 clients must not.
    BOOST_TEST(host_matches(leaf, "mx1.example.test"));
    BOOST_TEST(!host_matches(leaf, "mx1.example.test", X509_CHECK_FLAG_NEVER_CHECK_SUBJECT));
    BOOST_TEST(verify_at(factory, factory.issue_leaf(spec).value(), t0) == X509_V_OK);
}

BOOST_AUTO_TEST_CASE(client_auth_only_and_cert_sign_only_leaves_fail_the_tls_server_purpose) {
    const cert_factory factory{7};
    for (const auto usage : {usage_profile::client_auth_only, usage_profile::cert_sign_only}) {
        auto spec = spec_for({"mx1.example.test"});
        spec.usage = usage;
        const auto credentials = factory.issue_leaf(spec).value();
        BOOST_TEST(verify_at(factory, credentials, t0) == X509_V_OK);  // no purpose asked
        BOOST_TEST(verify_at(factory, credentials, t0, X509_PURPOSE_SSL_SERVER) ==
                   X509_V_ERR_INVALID_PURPOSE);
    }
}

BOOST_AUTO_TEST_CASE(a_no_digital_signature_leaf_lacks_only_that_key_usage) {
    const cert_factory factory{7};
    auto spec = spec_for({"mx1.example.test"});
    const auto normal = factory.issue_leaf(spec).value();
    spec.usage = usage_profile::no_digital_signature;
    const auto wrong = factory.issue_leaf(spec).value();
    BOOST_TEST((X509_get_key_usage(x509_of(normal.leaf)) & KU_DIGITAL_SIGNATURE) != 0u);
    BOOST_TEST((X509_get_key_usage(x509_of(wrong.leaf)) & KU_DIGITAL_SIGNATURE) == 0u);
    BOOST_TEST((X509_get_key_usage(x509_of(wrong.leaf)) & KU_KEY_AGREEMENT) != 0u);
    BOOST_TEST((X509_get_extended_key_usage(x509_of(wrong.leaf)) & XKU_SSL_SERVER) != 0u);
    BOOST_TEST(verify_at(factory, wrong, t0, X509_PURPOSE_SSL_SERVER) == X509_V_OK);
}

BOOST_AUTO_TEST_CASE(an_rsa_1024_leaf_is_refused_at_security_level_2_and_loads_at_level_0) {
    const cert_factory factory{7};
    auto spec = spec_for({"mx1.example.test"});
    spec.key = key_type::rsa_1024;
    const auto credentials = factory.issue_leaf(spec).value();
    BOOST_TEST(EVP_PKEY_get_bits(private_key_of(credentials.leaf)) == 1024);
    BOOST_TEST(verify_at(factory, credentials, t0) == X509_V_OK);

    const auto strict = server_context(2);
    const auto refused = use_credentials(*strict, credentials);
    BOOST_REQUIRE(!refused.has_value());
    BOOST_TEST(refused.error() == "ee key too small");

    const auto lax = server_context(0);
    BOOST_TEST(use_credentials(*lax, credentials).has_value());
}

BOOST_AUTO_TEST_CASE(ec_and_rsa_2048_leaves_load_with_their_chain_at_security_level_2) {
    const cert_factory factory{7};
    for (const auto type : {key_type::ec_p256, key_type::rsa_2048}) {
        auto spec = spec_for({"mx1.example.test"});
        spec.key = type;
        spec.intermediate_count = 2;
        const auto started = std::chrono::steady_clock::now();
        const auto credentials = factory.issue_leaf(spec).value();
        const auto ms = milliseconds_since(started);
        BOOST_TEST_MESSAGE("issuing a leaf with a " << EVP_PKEY_get_bits(private_key_of(credentials.leaf))
                                                    << "-bit key took " << ms << " ms");
        const auto ctx = server_context(2);
        BOOST_TEST(use_credentials(*ctx, credentials).has_value());
        STACK_OF(X509)* chain = nullptr;
        BOOST_REQUIRE(SSL_CTX_get0_chain_certs(ctx.get(), &chain) == 1);
        BOOST_TEST(sk_X509_num(chain) == 2);
    }
}

BOOST_AUTO_TEST_CASE(a_shared_key_label_keeps_the_public_key_across_renewals) {
    const cert_factory factory{7};
    auto first = spec_for({"mx1.example.test"});
    first.key_label = "mx1";
    auto renewed = first;
    renewed.not_before += 24h * 60;
    renewed.not_after += 24h * 60;
    const auto a = factory.issue_leaf(first).value().leaf;
    const auto b = factory.issue_leaf(renewed).value().leaf;
    BOOST_TEST(a.der() != b.der());
    BOOST_TEST(a.subject_public_key_info_der() == b.subject_public_key_info_der());
    const auto own_key = factory.issue_leaf(spec_for({"mx1.example.test"})).value().leaf;
    BOOST_TEST(own_key.subject_public_key_info_der() != a.subject_public_key_info_der());
}

BOOST_AUTO_TEST_CASE(an_unusable_spec_is_refused_with_the_reason) {
    const cert_factory factory{7};
    auto spec = spec_for({"mx1.example.test"});
    spec.not_after = spec.not_before - 1s;
    const auto refused = factory.issue_leaf(spec);
    BOOST_REQUIRE(!refused.has_value());
    BOOST_TEST(refused.error() == "not_after is before not_before");
    BOOST_TEST(factory.issued_count() == 0u);
}

BOOST_AUTO_TEST_CASE(two_hundred_distinct_leaves_are_issued_and_cached) {
    const cert_factory factory{11};
    std::set<std::string> ders;
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 200; ++i) {
        ders.insert(factory.issue_leaf(spec_for({fmt::format("mx{}.example.test", i)})).value().leaf.der());
    }
    const auto ms = milliseconds_since(started);
    BOOST_TEST_MESSAGE("issuing 200 distinct EC P-256 leaves took " << ms << " ms");
    BOOST_TEST(ders.size() == 200u);
    BOOST_TEST(factory.issued_count() == 200u);
    // Asking again is a cache hit: nothing new is issued.
    BOOST_TEST(ders.count(factory.issue_leaf(spec_for({"mx7.example.test"})).value().leaf.der()) == 1u);
    BOOST_TEST(factory.issued_count() == 200u);
}

BOOST_AUTO_TEST_SUITE_END()
