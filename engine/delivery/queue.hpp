// engine/delivery/queue.hpp
//
// The delivery queue's bookkeeping, without any I/O: the messages accepted, their
// recipients grouped by domain, where each recipient is (waiting for its next attempt, in
// flight, delivered, bounced), the MID and DCID counters, and which deliveries are due at
// a given instant. The engine (engine.cpp) runs the deliveries; this class only remembers.
//
// A delivery job is one message's recipients at one domain (RFC 5321 §5.1: one MX lookup
// and one session serve all recipients of a domain). At most concurrency_max jobs are in
// flight at once, and a (message, domain) pair has at most one job in flight. Jobs come
// out of take_due() in a deterministic order: by due time, then MID, then domain, so two
// runs of the same world start the same sessions in the same order.
//
// The conservation invariant (issue 4): every accepted recipient is in exactly one of the
// four states, so accepted == waiting + in_flight + delivered + bounced at every moment.
// The counters are kept incrementally on each transition; recount() recomputes them from
// the recipients so the engine can check the two agree.
//
// Not here: the retry schedule (retry_schedule.hpp), what a failure means, DSNs, logging.
#pragma once

#include "engine/core/time.hpp"
#include "engine/delivery/message.hpp"
#include "engine/mtasts/effective_policy.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace sts::delivery {

enum class queue_state { waiting, in_flight, delivered, bounced };
std::string_view to_string(queue_state s);

// Why the last attempt for a recipient failed, kept for the next Delayed:/Bounced: line
// and the DSN.
struct failure_note {
    std::string status;       // RFC 3463 enhanced status code, "4.7.5"
    std::string text;         // our words, or "Unknown address error" for a refused RCPT
    std::string reply_code;   // the SMTP reply code, "000" when there was no reply
    std::string reply_tuple;  // smtp::log_reply_tuple() form, ready for the log
    std::string diagnostic;   // RFC 3464 Diagnostic-Code text ("550 5.1.1 no such user"), quoted
    std::string remote_mta;   // the MX host that gave the reply, empty when none did
    std::uint64_t dcid = 0;   // the connection that failed, 0 when none was made
    // RFC 8461 §5.1 [STS-APPLY-14]: the failure was caused by an enforce policy, which
    // must be re-checked in DNS before the recipient bounces; the policy it ran under.
    std::optional<mtasts::effective_policy> enforce_failed_under;
};

// How a delivered recipient went out, for engine::outcomes().
struct delivery_note {
    std::string via;           // MX host name
    std::string address;       // ip:port
    std::string tls_protocol;  // empty: clear text
    std::string reply;         // the final reply, for the log
};

struct queued_recipient {
    unsigned rid = 0;
    std::string address;
    std::string domain;  // recipient_domain(address)
    queue_state state = queue_state::waiting;
    unsigned attempts = 0;        // jobs started for it
    core::time_point due_at{};    // waiting: the earliest time of the next attempt
    std::optional<failure_note> last_failure;
    std::optional<delivery_note> delivered;
    std::string bounce_reason;
};

struct queued_message {
    std::uint64_t mid = 0;
    message content;
    core::time_point accepted_at{};
    std::vector<queued_recipient> recipients;  // index = RID
};

struct delivery_job {
    std::uint64_t mid = 0;
    std::string domain;
    std::vector<unsigned> rids;  // ascending
    friend bool operator==(const delivery_job&, const delivery_job&) = default;
};

struct queue_counts {
    std::uint64_t accepted = 0;  // recipients
    std::uint64_t waiting = 0;
    std::uint64_t in_flight = 0;
    std::uint64_t delivered = 0;
    std::uint64_t bounced = 0;
    std::uint64_t jobs_in_flight = 0;
    bool conserved() const { return accepted == waiting + in_flight + delivered + bounced; }
    friend bool operator==(const queue_counts&, const queue_counts&) = default;
};

struct queue_config {
    std::uint64_t mid_first = 1;   // the gateway's ids come from counters seeded per world
    std::uint64_t dcid_first = 1;
    std::size_t concurrency_max = 10;  // jobs in flight; 0 is taken as 1
};

// The domain part of a forward-path, lower case, without a trailing dot: what MX lookup
// and the policy are keyed by. Empty when there is no "@" or nothing after it.
std::string recipient_domain(std::string_view address);

class queue {
public:
    explicit queue(queue_config config = {});

    // Stores the message with every recipient waiting and due at `now`; returns its MID.
    std::uint64_t accept(message m, core::time_point now);

    std::uint64_t next_dcid() { return next_dcid_++; }

    // The jobs due at `now` that fit in the free slots, marked in flight (their recipients'
    // attempts counted), in (due, MID, domain) order.
    std::vector<delivery_job> take_due(core::time_point now);
    // Frees the job's slot. Any of its recipients still in flight (a bug in the caller) are
    // put back to waiting at `now`, so none is lost; the number of them is returned.
    std::size_t finish_job(const delivery_job& job, core::time_point now);

    // Transitions of one in-flight recipient; false (and nothing changes) when it is not in
    // flight.
    bool mark_delivered(std::uint64_t mid, unsigned rid, delivery_note note);
    bool mark_deferred(std::uint64_t mid, unsigned rid, core::time_point due_at, failure_note why);
    bool mark_bounced(std::uint64_t mid, unsigned rid, std::string reason);
    // Keeps a failure on an in-flight recipient without changing its state (a host that
    // failed before the next one is tried).
    bool note_failure(std::uint64_t mid, unsigned rid, failure_note why);

    // The earliest due time of a waiting recipient whose job could start, if any.
    std::optional<core::time_point> next_due() const;
    bool has_free_slot() const { return jobs_in_flight_.size() < concurrency_max_; }

    // Every recipient of the message delivered or bounced.
    bool finished(std::uint64_t mid) const;
    const queued_message* find(std::uint64_t mid) const;
    const queued_recipient* find(std::uint64_t mid, unsigned rid) const;
    const std::map<std::uint64_t, queued_message>& messages() const { return messages_; }

    queue_counts counts() const { return counts_; }
    // The same counts, recomputed from the recipients.
    queue_counts recount() const;

private:
    queued_recipient* in_flight(std::uint64_t mid, unsigned rid);

    using waiting_key = std::tuple<core::time_point, std::uint64_t, unsigned>;  // due, MID, RID

    std::size_t concurrency_max_;
    std::uint64_t next_mid_;
    std::uint64_t next_dcid_;
    std::map<std::uint64_t, queued_message> messages_;
    std::set<waiting_key> waiting_;
    std::set<std::pair<std::uint64_t, std::string>, std::less<>> jobs_in_flight_;
    queue_counts counts_;
};

}  // namespace sts::delivery
