// registry.h — every protocol sqt runs, by name.
//
// Adding a protocol: a folder under proto/ with a class template P<R> that
// satisfies BinaryProtocol (proto/protocol.h) and has a `static constexpr
// ProtocolInfo kInfo`, and one entry in ProtocolList below. The CLI, the
// benchmarks and the self-test find it here (`sqt protocols` lists them);
// nothing else names protocols.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/error.h"
#include "proto/mal3/mal3.h"
#include "proto/plain/plain.h"
#include "proto/protocol_info.h"
#include "proto/rep3/rep3.h"
#include "proto/rep4/rep4.h"
#include "proto/semi2k/semi2k.h"
#include "proto/shamir/shamir.h"

namespace sqt {

template <template <class> class... Ps>
struct ProtocolList {};

using RegisteredProtocols = ProtocolList<Plain, Rep3, Mal3, Rep4, Semi2k, Shamir>;

namespace detail {

template <template <class> class... Ps>
std::vector<ProtocolInfo> infos(ProtocolList<Ps...>) {
  return {Ps<std::uint64_t>::kInfo...};
}

// Calls fn for P unless P declares that it does not run over its ring
// (`static constexpr bool kSupported = false`): then a clear error.
template <class P, class Fn>
void call_if_supported(Fn& fn) {
  if constexpr (requires { P::kSupported; }) {
    if constexpr (!P::kSupported)
      fail("{} does not run over Z_2^{}: it runs over {}", P::kInfo.name,
           kRingBits<typename P::Ring>, P::kInfo.rings);
    else
      fn(std::type_identity<P>{});
  } else {
    fn(std::type_identity<P>{});
  }
}

template <RingElement R, class Fn, template <class> class... Ps>
bool dispatch(std::string_view name, Fn& fn, ProtocolList<Ps...>) {
  return ((Ps<R>::kInfo.name == name ? (call_if_supported<Ps<R>>(fn), true) : false) || ...);
}

}  // namespace detail

inline std::vector<ProtocolInfo> registered_protocols() {
  return detail::infos(RegisteredProtocols{});
}

inline std::vector<std::string> protocol_names() {
  std::vector<std::string> names;
  for (const ProtocolInfo& info : registered_protocols()) names.emplace_back(info.name);
  return names;
}

// The protocol called `name`, or an error listing the known ones.
inline const ProtocolInfo& find_protocol(std::string_view name) {
  static const std::vector<ProtocolInfo> all = registered_protocols();
  for (const ProtocolInfo& info : all)
    if (info.name == name) return info;
  std::string known;
  for (const ProtocolInfo& info : all)
    known += (known.empty() ? "" : ", ") + std::string(info.name);
  fail("unknown protocol '{}': sqt has {}", name, known);
}

// The computing parties of a run of `info` given --parties (0: not given, the
// protocol's default) and --dealer. An error names the allowed range, or the
// protocols that take the option.
inline int checked_party_count(const ProtocolInfo& info, int requested, bool dealer) {
  auto protocols_with = [](auto wanted) {
    std::string names;
    for (const ProtocolInfo& other : registered_protocols())
      if (wanted(other)) names += (names.empty() ? "" : ", ") + std::string(other.name);
    return names.empty() ? std::string("none") : names;
  };
  SQT_CHECK(!dealer || info.dealer, "--dealer: {} has no dealer (protocols with one: {})",
            info.name, protocols_with([](const ProtocolInfo& p) { return p.dealer; }));
  if (!info.variable()) {
    SQT_CHECK(requested == 0 || requested == info.parties,
              "--parties {}: {} runs with exactly {} part{} (protocols whose party count varies: "
              "{})",
              requested, info.name, info.parties, info.parties == 1 ? "y" : "ies",
              protocols_with([](const ProtocolInfo& p) { return p.variable(); }));
    return info.parties;
  }
  const int parties = requested ? requested : info.parties;
  SQT_CHECK(parties >= info.fewest() && parties <= info.most(),
            "--parties {}: {} runs with {} to {} computing parties", parties, info.name,
            info.fewest(), info.most());
  return parties;
}

// Calls fn(std::type_identity<P<R>>{}) for the protocol P called `name`.
template <RingElement R, class Fn>
void with_protocol(std::string_view name, Fn&& fn) {
  find_protocol(name);
  detail::dispatch<R>(name, fn, RegisteredProtocols{});
}

// The same for a ring given by its width (64 or 128).
template <class Fn>
void with_protocol(std::string_view name, int ring, Fn&& fn) {
  SQT_CHECK(ring == 64 || ring == 128, "--ring must be 64 or 128, got {}", ring);
  if (ring == 64) return with_protocol<std::uint64_t>(name, fn);
  with_protocol<u128>(name, fn);
}

}  // namespace sqt
