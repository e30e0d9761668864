// tensor_sharing.h — Shamir sharings of whole tensors: fresh random
// polynomials for every element and their evaluation at a party's point.
//
// A sharing of degree d of the tensor `values` is described by d tensors of
// uniform coefficients (coefficient tensor k multiplies alpha^(k+1)); party
// j's share is the evaluation at its point alpha_j = j + 1 (shamir_poly.h).
// Plain functions; the caller owns every tensor and the PRG.
#pragma once

#include <cstdint>
#include <vector>

#include "proto/shamir/field_tensor.h"
#include "proto/shamir/shamir_poly.h"

namespace sqt::shamir {

// The non-constant coefficients of fresh degree-`degree` polynomials, one
// per element of `shape`.
inline std::vector<FieldTensor> random_coefficients(Prg& prg, int degree, const Shape& shape) {
  std::vector<FieldTensor> coefficients;
  for (int d = 0; d < degree; ++d) coefficients.push_back(random_field(prg, shape));
  return coefficients;
}

// values + sum_d coefficients[d] alpha^(d+1) at alpha = party + 1, by
// Horner's rule on the vector kernels (kernels/field_kernels.h).
inline FieldTensor evaluate_at(const FieldTensor& values,
                               const std::vector<FieldTensor>& coefficients, int party) {
  FieldTensor out(values.shape(), Fp127{});
  for (std::size_t d = coefficients.size(); d-- > 0;) {
    check_same_shape(coefficients[d].shape(), out.shape(), "evaluate_at");
    kernels::fp_add_scale(out.data(), coefficients[d].data(), point_of(party), out.size());
  }
  check_same_shape(values.shape(), out.shape(), "evaluate_at");
  kernels::fp_add(out.data(), values.data(), out.data(), out.size());
  return out;
}

}  // namespace sqt::shamir
