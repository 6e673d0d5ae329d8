// mocks/smtp/smtp_receiver.hpp
//
// A mock SMTP receiver (issue 3, item 6): the server side of RFC 5321 with STARTTLS
// (RFC 3207), configured by a receiver_config and running on whichever network its
// mock_context gives, simulated or loopback, one coroutine per connection. It is a real
// server as far as the client can tell: real replies, real OpenSSL TLS with the configured
// certificates and version caps, pipelining, several messages per connection; and it can
// show every fault the config describes.
//
// It records into the context's transcript every accepted connection, command (escaped),
// reply, TLS result (version, cipher, SNI) or failure, stall, close and delivery, with the
// clock's time; and it keeps the list of accepted messages (received_message).
//
// Lifetime: the mock_context must outlive the receiver and any run of the world's
// io_context. stop() (also run by the destructor) closes the listener and every open
// connection; their coroutines end the next time the world runs.
//
// Asio and OpenSSL stay out of this header: only smtp_receiver.cpp pays for them.
#pragma once

#include "engine/core/result.hpp"
#include "engine/net/endpoint.hpp"
#include "mocks/mock_context.hpp"
#include "mocks/smtp/received_message.hpp"
#include "mocks/smtp/receiver_config.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace sts::mocks {

class smtp_receiver {
public:
    smtp_receiver(mock_context& context, receiver_config config);
    ~smtp_receiver();
    smtp_receiver(const smtp_receiver&) = delete;
    smtp_receiver& operator=(const smtp_receiver&) = delete;

    // Validates the config, builds the TLS context and starts listening. The error says
    // what is wrong: the config (validate()), the certificates, or the listen address.
    core::result<std::monostate, std::string> start();
    void stop();

    // A mid-run change (a scenario step): STARTTLS, replies, faults, TLS identity and
    // caps, for connections accepted from now on; a connection already open keeps what it
    // was accepted under, and reply overrides count their occurrences afresh. The receiver
    // keeps its name and address whatever `config` says. Checked as start() checks; on an
    // error nothing changes.
    core::result<std::monostate, std::string> set_config(receiver_config config);

    const receiver_config& config() const;
    // Where it listens once started (the chosen port when the config asked for port 0).
    net::endpoint local_endpoint() const;
    const std::vector<received_message>& received() const;
    // Connections accepted since start.
    std::size_t connections() const;

    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace sts::mocks
