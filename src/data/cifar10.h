// cifar10.h — the CIFAR-10 binary format (3073-byte records, raw or gzip).
#pragma once

#include <string>
#include <vector>

#include "data/dataset.h"

namespace sqt {

// Parses the records of the given batch files (count from each file's size).
Dataset parse_cifar10(const std::vector<std::string>& paths);

// data_batch_1..5 (train) and test_batch in dir, each .bin or .bin.gz.
TrainTest load_cifar10(const std::string& dir);

}  // namespace sqt
