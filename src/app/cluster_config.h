// cluster_config.h — `--config cluster.toml`: one file that every host of a
// deployment shares, turned into the command-line flags it stands for.
//
//   protocol = "rep3"                  # any option of the subcommand, by its long name
//   [tls]
//   certs = "/etc/sqt/certs"           # ca.pem, party<ID>.pem, party<ID>.key
//   [[party]]                          # the computing parties, in id order
//   address = "10.0.0.1:7000"
//   fingerprint = "AB:CD:..."          # optional certificate pin (all or none)
//   [dealer]                           # optional: the dealer node (implies --dealer)
//   address = "10.0.0.9:7000"
//   [client]                           # optional: sqt infer's client node (last in --peers)
//   address = "10.0.0.8:7000"
//   [[holder]]                         # optional: data holders (sqt party --holders), in order
//   address = "10.0.1.1:7000"
//   train_samples = "0:30000"          # also test_samples, save_model, data_dir, dataset:
//                                      # options of `sqt holder --id` of that holder only
//   [train]                            # options of `sqt party` (a holder takes dataset,
//   model = "C"                        # frac_bits and rounding; others skip them)
//   epochs = 25
//
// Tables other than party, dealer, client, holder and train only group keys. A flag given
// on the command line wins over the file; the host's --id is never in it.
// The file's SHA-256 travels as --config-sha256 into the options that every
// party compares at start-up, so hosts with different files stop at once.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace sqt {

// Expands `--config FILE` (or --config=FILE) after the subcommand in `args`
// (argv as strings, program name first) into the flags of FILE, validated
// against that subcommand's options; returns `args` unchanged without
// --config. Throws sqt::Error naming the file and key on bad input.
std::vector<std::string> expand_cluster_config(std::vector<std::string> args, CLI::App& app);

}  // namespace sqt
