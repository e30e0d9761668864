// fetch.h — `sqt data fetch`: downloads a dataset into the data root and
// verifies it.
//
// MNIST and Fashion-MNIST files are checked by the SHA-256 of their
// uncompressed content (so a re-compressed mirror is accepted), CIFAR-10 by
// the SHA-256 of the official binary archive, from which only the six batch
// files are extracted. Files are written as NAME.part and renamed only after
// they verify, so a failed or interrupted fetch leaves nothing half-written.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sqt {

struct FetchOptions {
  std::string dataset;   // mnist | fashion-mnist | cifar10
  std::string data_dir;  // the data root (files go to data_dir/<dataset>/)
  std::string source;    // base URL (http, https or file://); empty: the official one
  long timeout_s = 600;
};

// Returns a one-line summary; throws Error (offline, HTTP error, checksum).
std::string fetch_dataset(const FetchOptions& options);

// Writes the six CIFAR-10 batch files of an (uncompressed) tar archive into
// dir; anything else in the archive is ignored.
void extract_cifar_batches(const std::vector<std::uint8_t>& tar, const std::string& dir,
                           const std::string& archive_name);

}  // namespace sqt
