// sim/replay/inferred_world.hpp
//
// The world `replay` believes produced a customer's trace (issue 6, item 2), in the terms a
// scenario file uses: per recipient domain its destination-control profile, MX hosts and
// what each did (STARTTLS, TLS version, certificate, replies), the `_mta-sts` TXT record, the
// policy host's answer and the policy; the messages with their times; the queue's retry
// intervals. Each conclusion is also listed as a fact with the trace line it rests on, or
// with the default chosen where the trace leaves the choice open, so the replay report can
// say why the world looks as it does.
//
// Plain data: trace_inference.hpp fills it, what_if.hpp changes it, scenario_writer.hpp
// renders it as a scenario file.
#pragma once

#include "engine/core/time.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sts::sim {

// Bounds for a long trace: the report stays readable and the scenario small.
inline constexpr std::size_t inferred_facts_max = 200;
inline constexpr std::size_t failing_replies_max = 32;

struct inferred_fact {
    std::string subject;  // "customer.test policy mode"
    std::string value;    // "enforce"
    std::size_t line = 0; // the trace line it rests on; 0 when it is a default
    std::string why;      // how it follows, or why the default
};

// What an MX host's certificate does wrong, in the trace's words.
enum class cert_fault { none, name_mismatch, expired, not_yet_valid, untrusted, self_signed };

struct inferred_mx {
    std::string host;                // our name for it (the trace's, when a line names it)
    std::string trace_address;       // the address the trace connected to
    bool reachable = true;           // false: connections are refused (Connection Error)
    bool starttls = true;            // offers STARTTLS
    std::string starttls_reply;      // answers STARTTLS with this refusal
    bool handshake_fails = false;    // closes the connection in the TLS handshake
    std::string tls_max;             // "1.2" ... when the trace shows the version; empty: any
    std::string key = "ec-p256";     // certificate key, from the cipher's authentication
    cert_fault cert = cert_fault::none;
    std::string final_reply;         // the reply to the end of data, when the trace shows it
    std::vector<std::pair<std::string, std::string>> failing_replies;  // (step, reply) per failed attempt, in order
    bool listed_in_policy = true;
};

struct inferred_domain {
    std::string name;
    // Destination-control profile.
    std::string tls = "preferred";
    std::string dane = "none";
    bool mta_sts = false;
    bool proxy = false;
    std::string proxy_fault;         // "stall", "auth-required", "bad-gateway", "intercept"
    // SMTP route instead of MX records.
    bool routed = false;
    // MX lookup: "" answers, "servfail", "nxdomain", "null".
    std::string mx_lookup;
    std::vector<inferred_mx> mx;
    // `_mta-sts` TXT: "present", "absent", "invalid", "multiple", "servfail".
    std::string txt = "absent";
    std::string txt_id = "replay1";
    // Policy: fetch "ok", "cached" (the cache held it before the trace), "timeout", "status",
    // "cert", "dns", "proxy", "content-type", "invalid", "failed" (a detail we cannot rebuild).
    std::string fetch = "ok";
    int http_status = 200;
    cert_fault policy_cert = cert_fault::none;
    std::string content_type;        // with fetch = "content-type"; "-" for none
    std::string invalid_detail;
    std::string mode = "enforce";
    std::uint64_t max_age = 86400;
    bool dane_usable = false;        // secure TLSA records that match
    bool dnssec_mx = false;          // the MX RRset is DNSSEC-secure
};

struct inferred_message {
    std::uint64_t trace_mid = 0;
    std::string domain;              // its recipient domain (named by the trace or inferred)
    core::duration offset{};         // after the trace's first line
    std::string sender;
    std::vector<std::string> recipients;
    std::string outcome;             // delivered, deferred, bounced, queued
    std::size_t attempts = 0;        // connections made (0 when none was)
};

struct inferred_world {
    std::string source;              // the trace's file name, without folders
    core::time_point start{};        // the trace's first timestamp
    core::duration span{};           // first to last timestamp
    std::string log_level = "info";
    std::vector<inferred_domain> domains;
    std::vector<inferred_message> messages;
    std::vector<core::duration> retry;  // retry delays seen in the trace, in order
    std::optional<core::duration> queue_lifetime;
    bool warm_cache = false;         // some domain's policy was cached before the trace
    bool txt_defers = false;         // [engine] txt_temp_error = "defer"
    std::vector<inferred_fact> facts;
    std::vector<std::string> open_choices;  // where the trace leaves a choice open, and what was picked
};

}  // namespace sts::sim
