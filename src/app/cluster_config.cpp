#include "app/cluster_config.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <span>

#include "core/error.h"
#include "crypto/sha256.h"

namespace sqt {
namespace {

struct Expansion {
  const std::string& path;
  const CLI::App& command;
  const std::vector<std::string>& given;  // the flags on the command line
  std::vector<std::string> flags;         // what the file adds
};

std::string option_name(std::string key) {
  std::replace(key.begin(), key.end(), '_', '-');
  return "--" + key;
}

bool given_on_command_line(const Expansion& e, const CLI::Option& option) {
  for (const std::string& name : option.get_lnames())
    for (const std::string& arg : e.given)
      if (arg == "--" + name || arg.rfind("--" + name + "=", 0) == 0) return true;
  return false;
}

std::string scalar_text(const toml::node& value, const std::string& where) {
  if (auto s = value.value<std::string>(); s && value.is_string()) return *s;
  if (value.is_integer()) return std::to_string(*value.value<std::int64_t>());
  if (value.is_floating_point()) return fmt::format("{}", *value.value<double>());
  if (value.is_boolean()) return *value.value<bool>() ? "true" : "false";
  fail("{} must be a string, number or boolean", where);
}

void add_option(Expansion& e, const std::string& key, const toml::node& value,
                const std::string& where) {
  const CLI::Option* option = e.command.get_option_no_throw(option_name(key));
  SQT_CHECK(option != nullptr && key != "party" && key != "id" && key != "config",
            "{}: '{}' is not an option of sqt {} (see sqt {} --help)", e.path, where,
            e.command.get_name(), e.command.get_name());
  if (given_on_command_line(e, *option)) return;
  std::vector<std::string> texts;
  if (const toml::array* list = value.as_array()) {
    for (const toml::node& item : *list) texts.push_back(scalar_text(item, e.path + ": " + where));
  } else {
    texts.push_back(scalar_text(value, e.path + ": " + where));
  }
  for (const std::string& text : texts) e.flags.push_back(option_name(key) + "=" + text);
}

// Keys of a [[holder]] table besides address and fingerprint: options of
// `sqt holder` for that holder only.
constexpr std::array<std::string_view, 5> kHolderKeys{"train_samples", "test_samples", "save_model",
                                                      "data_dir", "dataset"};

bool is_holder_key(std::string_view key) {
  return std::find(kHolderKeys.begin(), kHolderKeys.end(), key) != kHolderKeys.end();
}

std::string node_address(const toml::table& node, const std::string& where, std::string* pin,
                         bool holder = false) {
  const auto* address = node.get_as<std::string>("address");
  SQT_CHECK(address != nullptr, "{} needs address = \"host:port\"", where);
  for (auto& [key, value] : node) {
    (void)value;
    SQT_CHECK(key == "address" || key == "fingerprint" || (holder && is_holder_key(key.str())),
              "{}: unknown key '{}' (expected address, fingerprint{})", where, key.str(),
              holder ? ", train_samples, test_samples, save_model, data_dir, dataset" : "");
  }
  if (const auto* fingerprint = node.get_as<std::string>("fingerprint")) *pin = fingerprint->get();
  return address->get();
}

// The value of --id (or --party) on the command line, or -1.
int id_on_command_line(const Expansion& e) {
  for (std::size_t i = 0; i < e.given.size(); ++i) {
    const std::string& arg = e.given[i];
    for (const char* name : {"--id", "--party"}) {
      std::string value;
      if (arg == name && i + 1 < e.given.size()) value = e.given[i + 1];
      if (arg.rfind(std::string(name) + "=", 0) == 0) value = arg.substr(std::strlen(name) + 1);
      if (!value.empty()) return std::atoi(value.c_str());
    }
  }
  return -1;
}

// [[holder]] (sqt party and sqt holder only): their addresses after the
// parties, --holders, and for `sqt holder --id I` that holder's own keys.
void add_holders(Expansion& e, const toml::table& root, std::vector<std::string>& addresses,
                 std::vector<std::string>& pins, int parties) {
  const std::string command = e.command.get_name();
  const toml::array* holders = root["holder"].as_array();
  if (holders == nullptr || (command != "party" && command != "holder")) return;
  SQT_CHECK(holders->is_homogeneous<toml::table>(),
            "{}: every [[holder]] must be a table with address = \"host:port\"", e.path);
  for (std::size_t h = 0; h < holders->size(); ++h) {
    pins.emplace_back();
    addresses.push_back(node_address(*holders->get_as<toml::table>(h),
                                     fmt::format("{}: holder {}", e.path, h), &pins.back(), true));
  }
  if (!given_on_command_line(e, *e.command.get_option("--holders")))
    e.flags.push_back(fmt::format("--holders={}", holders->size()));
  const int holder = id_on_command_line(e) - parties;
  if (command != "holder" || holder < 0 || holder >= static_cast<int>(holders->size())) return;
  for (auto& [key, value] : *holders->get_as<toml::table>(static_cast<std::size_t>(holder)))
    if (is_holder_key(key.str()))
      add_option(e, std::string(key.str()), value, fmt::format("holder {}.{}", holder, key.str()));
}

// [[party]] and [dealer] -> --peers, --peer-fingerprints, --dealer.
void add_nodes(Expansion& e, const toml::table& root) {
  const toml::array* parties = root["party"].as_array();
  SQT_CHECK(parties != nullptr && !parties->empty() && parties->is_homogeneous<toml::table>(),
            "{}: needs one [[party]] table per computing party, in id order", e.path);
  std::vector<std::string> addresses, pins;
  for (std::size_t i = 0; i < parties->size(); ++i) {
    pins.emplace_back();
    addresses.push_back(node_address(*parties->get_as<toml::table>(i),
                                     fmt::format("{}: party {}", e.path, i), &pins.back()));
  }
  if (const toml::node_view dealer = root["dealer"]) {
    SQT_CHECK(dealer.is_table(), "{}: [dealer] must be a table with address = \"host:port\"",
              e.path);
    pins.emplace_back();
    addresses.push_back(node_address(*dealer.as_table(), e.path + ": dealer", &pins.back()));
    if (e.command.get_option_no_throw("--dealer")) e.flags.push_back("--dealer");
  }
  if (const toml::node_view client = root["client"]; client && e.command.get_name() == "infer") {
    SQT_CHECK(client.is_table(), "{}: [client] must be a table with address = \"host:port\"",
              e.path);
    pins.emplace_back();
    addresses.push_back(node_address(*client.as_table(), e.path + ": client", &pins.back()));
  }
  add_holders(e, root, addresses, pins, static_cast<int>(parties->size()));
  if (given_on_command_line(e, *e.command.get_option("--peers"))) return;
  e.flags.push_back("--peers=" + fmt::format("{}", fmt::join(addresses, ",")));
  if (given_on_command_line(e, *e.command.get_option("--peer-fingerprints"))) return;
  const auto pinned = std::count_if(pins.begin(), pins.end(), [](auto& p) { return !p.empty(); });
  SQT_CHECK(pinned == 0 || pinned == static_cast<long>(pins.size()),
            "{}: {} of {} nodes have a fingerprint: give one for every node or none", e.path,
            pinned, pins.size());
  if (pinned) e.flags.push_back("--peer-fingerprints=" + fmt::format("{}", fmt::join(pins, ",")));
}

// A holder takes the [train] options it shares with the parties and
// ignores the others.
void add_shared_training_options(Expansion& e, const toml::table& train) {
  for (const char* name : {"dataset", "frac_bits", "rounding"})
    if (const toml::node* value = train.get(name))
      add_option(e, name, *value, std::string("train.") + name);
}

void add_table(Expansion& e, const toml::table& table, const std::string& prefix) {
  for (auto& [key, value] : table) {
    const std::string name(key.str()), where = prefix.empty() ? name : prefix + "." + name;
    if (prefix.empty() &&
        (name == "party" || name == "dealer" || name == "client" || name == "holder"))
      continue;
    if (prefix.empty() && name == "train" && value.is_table()) {
      if (e.command.get_name() == "party") add_table(e, *value.as_table(), "train");
      if (e.command.get_name() == "holder") add_shared_training_options(e, *value.as_table());
      continue;  // training options mean nothing to selftest
    }
    if (const toml::table* group = value.as_table()) {
      add_table(e, *group, where);
    } else {
      add_option(e, name, value, where);
    }
  }
}

toml::table parse_toml(const std::string& path) {
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& error) {
    fail("{}:{}:{}: {}", path, error.source().begin.line, error.source().begin.column,
         error.description());
  }
}

std::string file_sha256(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  SQT_CHECK(file.good(), "cannot read cluster config '{}'", path);
  std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  return sha256_hex(std::as_bytes(std::span(bytes.data(), bytes.size())));
}

}  // namespace

std::vector<std::string> expand_cluster_config(std::vector<std::string> args, CLI::App& app) {
  if (args.size() < 2) return args;
  std::vector<CLI::App*> named =
      app.get_subcommands([&](const CLI::App* sub) { return sub->get_name() == args[1]; });
  if (named.empty() || named[0]->get_option_no_throw("--config") == nullptr) return args;
  CLI::App* command = named[0];
  std::string path;
  std::vector<std::string> rest;
  for (std::size_t i = 2; i < args.size(); ++i) {
    if (args[i] == "--config" && i + 1 < args.size()) {
      path = args[++i];
    } else if (args[i].rfind("--config=", 0) == 0) {
      path = args[i].substr(9);
    } else {
      rest.push_back(args[i]);
    }
  }
  if (path.empty()) return args;
  const std::string digest = file_sha256(path);  // also reports a missing file
  const toml::table root = parse_toml(path);
  Expansion e{path, *command, rest, {}};
  add_nodes(e, root);
  add_table(e, root, "");
  std::vector<std::string> out{args[0], args[1], "--config-sha256=" + digest};
  out.insert(out.end(), e.flags.begin(), e.flags.end());
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

}  // namespace sqt
