#include "mocks/smtp/receiver_config.hpp"

#include <fmt/format.h>

namespace sts::mocks {

const char* to_string(smtp_step step) {
    switch (step) {
        case smtp_step::greeting:
            return "greeting";
        case smtp_step::ehlo:
            return "ehlo";
        case smtp_step::starttls:
            return "starttls";
        case smtp_step::tls_established:
            return "tls_established";
        case smtp_step::mail:
            return "mail";
        case smtp_step::rcpt:
            return "rcpt";
        case smtp_step::data:
            return "data";
        case smtp_step::end_of_data:
            return "end_of_data";
        case smtp_step::rset:
            return "rset";
        case smtp_step::noop:
            return "noop";
        case smtp_step::quit:
            return "quit";
    }
    return "greeting";
}

reply_override fail_at(smtp_step step, std::string reply, unsigned occurrence) {
    return {.step = step, .occurrence = occurrence, .reply = std::move(reply), .then = after_reply::carry_on};
}

reply_override stall_after(smtp_step step, unsigned occurrence) {
    return {.step = step, .occurrence = occurrence, .reply = std::nullopt, .then = after_reply::stall};
}

reply_override stall_before_greeting() {
    return {.step = smtp_step::greeting, .occurrence = 0, .reply = std::string(), .then = after_reply::stall};
}

reply_override refuse_starttls(std::string reply) {
    return fail_at(smtp_step::starttls, std::move(reply));
}

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// The reply is sent verbatim (so a scenario can also send malformed replies to test the
// client's parser); only its first code must be readable, because it decides whether the
// command succeeded.
std::string check_reply(const std::string& reply) {
    if (reply.empty()) return {};
    if (reply.find('\r') != std::string::npos) return "has a CR: lines are separated by \\n alone";
    if (reply.size() < 3 || !is_digit(reply[0]) || !is_digit(reply[1]) || !is_digit(reply[2]) ||
        reply[0] < '2' || reply[0] > '5') {
        return "does not start with a reply code 2xx to 5xx";
    }
    return {};
}

}  // namespace

std::string validate(const receiver_config& config) {
    if (config.host_name.empty()) return "host_name is empty";
    if (config.listen.address.empty()) return "listen address is empty";
    for (std::size_t i = 0; i < config.overrides.size(); ++i) {
        const auto& o = config.overrides[i];
        if (o.endless && (!o.reply || o.reply->empty())) {
            return fmt::format("override {} ({}): an endless reply needs reply text to continue", i + 1,
                               to_string(o.step));
        }
        if (!o.reply) continue;
        if (o.step == smtp_step::tls_established && !o.reply->empty()) {
            return fmt::format("override {} ({}): nothing is said when TLS is established, so no reply text",
                               i + 1, to_string(o.step));
        }
        if (auto problem = check_reply(*o.reply); !problem.empty()) {
            return fmt::format("override {} ({}): reply {}", i + 1, to_string(o.step), problem);
        }
    }
    if (config.line_bytes_max < 512) return "line_bytes_max is below RFC 5321's 512-octet command line";
    if (config.message_bytes_max == 0 || config.recipients_max == 0 ||
        config.commands_per_connection_max == 0 || config.concurrent_connections_max == 0 ||
        config.received_messages_max == 0 || config.endless_reply_bytes_max == 0) {
        return "a bound is zero";
    }
    if (config.idle_timeout <= core::duration::zero()) return "idle_timeout is not positive";
    return {};
}

}  // namespace sts::mocks
