// memory_channel.h — channels between parties running as threads of one process.
//
// make_memory_mesh(n) builds, for n parties, the channel of every party to
// every other. Party i owns row i of the result and hands it to its Network.
// A party that ends (normally or by an exception) destroys its channels, which
// closes them, so its peers' receives fail with "party i disconnected"
// instead of hanging. Receives also time out.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "net/channel.h"

namespace sqt {

using ChannelRow = std::vector<std::unique_ptr<Channel>>;  // [peer], null at self

std::vector<ChannelRow> make_memory_mesh(int parties, std::chrono::milliseconds recv_timeout);

}  // namespace sqt
