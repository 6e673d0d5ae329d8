// mocks/certs/cert_factory.cpp
#include "mocks/certs/cert_factory.hpp"

#include "mocks/certs/deterministic_key.hpp"
#include "mocks/certs/deterministic_signing.hpp"
#include "mocks/certs/openssl_access.hpp"
#include "mocks/certs/openssl_error.hpp"

#include <openssl/core_names.h>

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace sts::mocks {

namespace {

// Bounds the leaf cache of one factory; when full it is emptied (leaves are recomputable,
// so only time is lost, never determinism).
constexpr std::size_t issued_leaves_max = 65'536;
constexpr std::string_view organization = "mtasts-sim test";

struct extension {
    int nid;
    std::string value;  // OpenSSL's v3 configuration syntax (x509v3_config(5))
};

ossl::x509_name_ptr make_name(std::optional<std::string_view> common_name) {
    ossl::x509_name_ptr name{X509_NAME_new()};
    const auto add = [&](int nid, std::string_view text) {
        return X509_NAME_add_entry_by_NID(name.get(), nid, MBSTRING_UTF8,
                                          reinterpret_cast<const unsigned char*>(text.data()),
                                          static_cast<int>(text.size()), -1, 0) == 1;
    };
    if (!name || !add(NID_organizationName, organization) ||
        (common_name && !add(NID_commonName, *common_name))) {
        throw_openssl_error("X509_NAME_add_entry_by_NID");
    }
    return name;
}

bool set_time(ASN1_TIME* field, core::time_point t) {
    const auto seconds = std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
    return ASN1_TIME_set(field, static_cast<time_t>(seconds)) != nullptr;
}

struct to_be_signed {
    const X509_NAME* subject = nullptr;
    EVP_PKEY* subject_key = nullptr;
    const certificate* issuer = nullptr;  // nullptr: self-signed
    std::array<std::uint8_t, 32> serial_source{};
    core::time_point not_before;
    core::time_point not_after;
    std::vector<extension> extensions;
    const std::vector<std::string>* dns_names = nullptr;
};

// Sets the SubjectPublicKeyInfo. A P-256 key's is written from its point directly (RFC 5480
// §2: id-ecPublicKey, the namedCurve prime256v1, the uncompressed point), the bytes
// X509_set_pubkey would write; X509_set_pubkey encodes and decodes the key through
// OpenSSL 3.0's provider encoders, which costs more than the rest of the certificate. The
// signed certificate is parsed again (sign_certificate), which decodes the key once.
bool set_public_key(X509& x, EVP_PKEY& key) {
    std::array<unsigned char, 65> point{};  // 0x04 || X || Y
    std::size_t size = 0;
    if (!EVP_PKEY_is_a(&key, "EC") || EVP_PKEY_get_bits(&key) != 256 ||
        !EVP_PKEY_get_octet_string_param(&key, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size(), &size) ||
        size != point.size() || point[0] != POINT_CONVERSION_UNCOMPRESSED) {
        return X509_set_pubkey(&x, &key) == 1;
    }
    char group[32] = {};
    if (!EVP_PKEY_get_utf8_string_param(&key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, nullptr) ||
        OBJ_sn2nid(group) != NID_X9_62_prime256v1) {
        return X509_set_pubkey(&x, &key) == 1;
    }
    auto* encoded = static_cast<unsigned char*>(OPENSSL_memdup(point.data(), point.size()));
    if (encoded == nullptr) return false;
    if (!X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(&x), OBJ_nid2obj(NID_X9_62_id_ecPublicKey), V_ASN1_OBJECT,
                                OBJ_nid2obj(NID_X9_62_prime256v1), encoded, static_cast<int>(point.size()))) {
        OPENSSL_free(encoded);
        return false;
    }
    return true;
}

ossl::x509_ptr build(const to_be_signed& tbs) {
    ossl::x509_ptr x{X509_new()};
    if (!x || !X509_set_version(x.get(), X509_VERSION_3)) throw_openssl_error("X509_new");

    // RFC 5280 §4.1.2.2: positive, at most 20 octets; 16 bytes with the top bit clear and
    // the next one set keep the encoding a fixed length.
    auto serial_bytes = tbs.serial_source;
    serial_bytes[0] = static_cast<std::uint8_t>((serial_bytes[0] & 0x7f) | 0x40);
    ossl::bn_ptr serial{BN_bin2bn(serial_bytes.data(), 16, nullptr)};
    if (!serial || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(x.get()))) {
        throw_openssl_error("serial number");
    }

    X509* issuer_x509 = tbs.issuer != nullptr ? x509_of(*tbs.issuer) : x.get();
    if (!X509_set_subject_name(x.get(), tbs.subject) ||
        !X509_set_issuer_name(x.get(),
                              tbs.issuer != nullptr ? X509_get_subject_name(issuer_x509) : tbs.subject) ||
        !set_time(X509_getm_notBefore(x.get()), tbs.not_before) ||
        !set_time(X509_getm_notAfter(x.get()), tbs.not_after) || !set_public_key(*x, *tbs.subject_key)) {
        throw_openssl_error("certificate fields");
    }

    X509V3_CTX ctx{};
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer_x509, x.get(), nullptr, nullptr, 0);
    for (const auto& ext : tbs.extensions) {
        ossl::x509_extension_ptr made{X509V3_EXT_conf_nid(nullptr, &ctx, ext.nid, ext.value.c_str())};
        if (!made || !X509_add_ext(x.get(), made.get(), -1)) throw_openssl_error(ext.value);
    }
    if (tbs.dns_names != nullptr && !tbs.dns_names->empty()) {
        // Built by hand rather than from "DNS:a,DNS:b" text, so names with commas or other
        // odd bytes reach the certificate unchanged.
        ossl::general_names_ptr names{GENERAL_NAMES_new()};
        if (!names) throw_openssl_error("GENERAL_NAMES_new");
        for (const auto& dns_name : *tbs.dns_names) {
            GENERAL_NAME* entry = GENERAL_NAME_new();
            ASN1_IA5STRING* text = ASN1_IA5STRING_new();
            if (entry == nullptr || text == nullptr ||
                !ASN1_STRING_set(text, dns_name.data(), static_cast<int>(dns_name.size()))) {
                GENERAL_NAME_free(entry);
                ASN1_IA5STRING_free(text);
                throw_openssl_error("subjectAltName entry");
            }
            GENERAL_NAME_set0_value(entry, GEN_DNS, text);
            if (sk_GENERAL_NAME_push(names.get(), entry) <= 0) {
                GENERAL_NAME_free(entry);
                throw_openssl_error("sk_GENERAL_NAME_push");
            }
        }
        if (X509_add1_ext_i2d(x.get(), NID_subject_alt_name, names.get(), 0, X509V3_ADD_APPEND) != 1) {
            throw_openssl_error("subjectAltName");
        }
    }
    EVP_PKEY* signing_key = tbs.issuer != nullptr ? private_key_of(*tbs.issuer) : tbs.subject_key;
    return sign_certificate(*x, *signing_key);
}

certificate make_ca(std::uint64_t seed, const std::string& label, const std::string& common_name,
                    const certificate* parent, std::optional<int> path_length = std::nullopt) {
    auto key = shared_key(seed, label, key_type::ec_p256);
    const auto subject = make_name(common_name);
    to_be_signed tbs;
    tbs.subject = subject.get();
    tbs.subject_key = key.get();
    tbs.issuer = parent;
    tbs.serial_source = seeded_hash(seed, "serial|ca|" + label);
    tbs.not_before = wide_not_before;
    tbs.not_after = wide_not_after;
    // RFC 5280 §4.2.1.9 and §4.2.1.3: a CA without a path length limit (hostile chains
    // need depth) unless asked for one, allowed to sign certificates and CRLs.
    const std::string basic_constraints = path_length
                                              ? fmt::format("critical,CA:TRUE,pathlen:{}", *path_length)
                                              : std::string("critical,CA:TRUE");
    tbs.extensions = {{NID_basic_constraints, basic_constraints},
                      {NID_key_usage, "critical,digitalSignature,keyCertSign,cRLSign"},
                      {NID_subject_key_identifier, "hash"},
                      {NID_authority_key_identifier, "keyid:always"}};
    return make_certificate(build(tbs), std::move(key));
}

std::vector<extension> leaf_extensions(const leaf_spec& spec) {
    const bool rsa = spec.key != key_type::ec_p256;
    const char* server_usage =
        rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature";
    const char* key_usage = server_usage;
    const char* extended_usage = "serverAuth";
    switch (spec.usage) {
        case usage_profile::tls_server:
            break;
        case usage_profile::no_digital_signature:
            // What an ECDH or RSA key-transport certificate carries: it can never sign a
            // handshake, although it passes the X.509 TLS-server purpose check.
            key_usage = rsa ? "critical,keyEncipherment" : "critical,keyAgreement";
            break;
        case usage_profile::cert_sign_only:
            key_usage = "critical,keyCertSign,cRLSign";
            break;
        case usage_profile::client_auth_only:
            extended_usage = "clientAuth";
            break;
    }
    std::vector<extension> out{{NID_basic_constraints, "critical,CA:FALSE"},
                               {NID_key_usage, key_usage},
                               {NID_ext_key_usage, extended_usage},
                               {NID_subject_key_identifier, "hash"},
                               {NID_authority_key_identifier, "keyid:always"}};
    if (!spec.ocsp_url.empty()) out.push_back({NID_info_access, "OCSP;URI:" + spec.ocsp_url});
    if (!spec.crl_url.empty()) out.push_back({NID_crl_distribution_points, "URI:" + spec.crl_url});
    return out;
}

}  // namespace

std::string leaf_credentials::chain_pem() const {
    std::string out = leaf.pem();
    for (const auto& cert : chain) out += cert.pem();
    return out;
}

struct cert_factory::state {
    // The root is made now (every world trusts it); the other CAs when first asked for,
    // since each costs as much as a handshake and most worlds never use them. They derive
    // from the seed and their label only, so when they are made changes nothing.
    explicit state(std::uint64_t s) : seed(s), root(make_ca(s, "ca/root", "mtasts-sim Test Root CA", nullptr)) {}

    // The caller holds `mutex`.
    const certificate& untrusted_root_locked() {
        if (!untrusted_root) untrusted_root = make_ca(seed, "ca/untrusted-root", "mtasts-sim Untrusted Root CA", nullptr);
        return *untrusted_root;
    }

    // The caller holds `mutex`.
    const certificate& interception_ca_locked() {
        if (!interception_ca) interception_ca = make_ca(seed, "ca/interception", "mtasts-sim Interception CA", nullptr);
        return *interception_ca;
    }

    // Makes intermediates up to `depth`; the caller holds `mutex`.
    certificate intermediate_locked(int depth) {
        while (static_cast<int>(intermediates.size()) < depth) {
            const auto k = intermediates.size() + 1;
            const certificate& parent = intermediates.empty() ? root : intermediates.back();
            intermediates.push_back(make_ca(seed, fmt::format("ca/intermediate/{}", k),
                                            fmt::format("mtasts-sim Test Intermediate CA {}", k), &parent));
        }
        return intermediates[static_cast<std::size_t>(depth - 1)];
    }

    // The chain of intermediates whose top one carries pathLenConstraint `path_length`,
    // made up to `depth`; a separate hierarchy (own names, keys and serials) so that the
    // shared intermediates never change. The caller holds `mutex`.
    const std::vector<certificate>& constrained_locked(int path_length, int depth) {
        auto& chain = constrained[path_length];
        while (static_cast<int>(chain.size()) < depth) {
            const auto k = chain.size() + 1;
            const certificate& parent = chain.empty() ? root : chain.back();
            chain.push_back(
                make_ca(seed, fmt::format("ca/intermediate-pathlen-{}/{}", path_length, k),
                        fmt::format("mtasts-sim Test Intermediate CA {} (pathlen {})", k, path_length),
                        &parent, chain.empty() ? std::optional(path_length) : std::nullopt));
        }
        return chain;
    }

    const std::uint64_t seed;
    const certificate root;
    std::mutex mutex;
    std::optional<certificate> untrusted_root;   // made when first asked for
    std::optional<certificate> interception_ca;  // made when first asked for
    std::vector<certificate> intermediates;               // [k-1] is intermediate k
    std::map<int, std::vector<certificate>> constrained;  // by the top one's path length
    std::map<std::string, certificate, std::less<>> leaves;
};

cert_factory::cert_factory(std::uint64_t seed) : state_(std::make_unique<state>(seed)) {}

cert_factory::~cert_factory() = default;

std::uint64_t cert_factory::seed() const {
    return state_->seed;
}

certificate cert_factory::root() const {
    return state_->root;
}

certificate cert_factory::untrusted_root() const {
    const std::lock_guard lock{state_->mutex};
    return state_->untrusted_root_locked();
}

certificate cert_factory::interception_ca() const {
    const std::lock_guard lock{state_->mutex};
    return state_->interception_ca_locked();
}

certificate cert_factory::intermediate(int depth) const {
    if (depth < 1 || depth > leaf_intermediate_count_max) {
        throw std::out_of_range(
            fmt::format("intermediate depth {} outside 1..{}", depth, leaf_intermediate_count_max));
    }
    const std::lock_guard lock{state_->mutex};
    return state_->intermediate_locked(depth);
}

std::string cert_factory::trust_store_pem() const {
    return state_->root.pem();
}

std::size_t cert_factory::issued_count() const {
    const std::lock_guard lock{state_->mutex};
    return state_->leaves.size();
}

core::result<leaf_credentials, std::string> cert_factory::issue_leaf(const leaf_spec& spec) const {
    if (auto problem = validate(spec); !problem.empty()) return core::failure(std::move(problem));
    auto& s = *state_;
    const std::lock_guard lock{s.mutex};

    std::optional<certificate> signer;
    std::optional<certificate> anchor;
    switch (spec.issuer) {
        case issuer_kind::root:
            signer = anchor = s.root;
            break;
        case issuer_kind::intermediate:
            signer = spec.top_intermediate_path_length
                         ? s.constrained_locked(*spec.top_intermediate_path_length, spec.intermediate_count)
                               .at(static_cast<std::size_t>(spec.intermediate_count - 1))
                         : s.intermediate_locked(spec.intermediate_count);
            anchor = s.root;
            break;
        case issuer_kind::untrusted_root:
            signer = anchor = s.untrusted_root_locked();
            break;
        case issuer_kind::interception:
            signer = anchor = s.interception_ca_locked();
            break;
        case issuer_kind::self_signed:
            break;
    }

    auto form = canonical_form(spec);
    auto it = s.leaves.find(form);
    if (it == s.leaves.end()) {
        const auto key_label = spec.key_label.empty() ? "leaf|" + form : "leaf-key|" + spec.key_label;
        auto key = shared_key(s.seed, key_label, spec.key);
        const auto subject = make_name(spec.common_name);
        to_be_signed tbs;
        tbs.subject = subject.get();
        tbs.subject_key = key.get();
        tbs.issuer = signer ? &*signer : nullptr;
        tbs.serial_source = seeded_hash(s.seed, "serial|leaf|" + form);
        tbs.not_before = spec.not_before;
        tbs.not_after = spec.not_after;
        tbs.extensions = leaf_extensions(spec);
        tbs.dns_names = &spec.dns_names;
        auto leaf = make_certificate(build(tbs), std::move(key));
        if (s.leaves.size() >= issued_leaves_max) s.leaves.clear();
        it = s.leaves.emplace(std::move(form), std::move(leaf)).first;
    }

    const certificate& leaf = it->second;
    std::vector<certificate> chain;
    if (spec.issuer == issuer_kind::intermediate && spec.include_intermediates) {
        const auto& intermediates = spec.top_intermediate_path_length
                                        ? s.constrained.at(*spec.top_intermediate_path_length)
                                        : s.intermediates;
        for (int k = spec.intermediate_count; k >= 1; --k)
            chain.push_back(intermediates[static_cast<std::size_t>(k - 1)]);
    }
    return leaf_credentials{leaf, std::move(chain), signer.value_or(leaf), anchor.value_or(leaf)};
}

}  // namespace sts::mocks
