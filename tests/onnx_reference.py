#!/usr/bin/python3
"""onnx_reference.py — checks an ONNX file written by `sqt export` and
evaluates it node by node with numpy (Debian's onnx 1.12 has no reference
evaluator and Debian has no onnxruntime), then compares its predictions on
MNIST test images with those of `sqt eval --predictions-out`.

Exit status 0 if at least --min-match predictions agree, 1 if fewer do.
--mutate-flatten evaluates a deliberately wrong model (height and width
swapped before the first flatten, i.e. images flattened column by column):
the negative control, which must not agree.
"""
import argparse
import gzip
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def gemm(a, b, c, at):
    if at.get("transA", 0):
        a = a.T
    if at.get("transB", 0):
        b = b.T
    y = at.get("alpha", 1.0) * (a @ b)
    return y + at.get("beta", 1.0) * c if c is not None else y


def windows(x, kernel, strides):
    view = np.lib.stride_tricks.sliding_window_view(x, kernel, axis=(2, 3))
    return view[:, :, :: strides[0], :: strides[1]]  # [N, C, OH, OW, kh, kw]


def conv(x, w, b, at):
    assert at.get("group", 1) == 1, "Conv: groups are not used by sqt"
    assert list(at.get("dilations", [1, 1])) == [1, 1], "Conv: dilation is not used by sqt"
    p = list(at.get("pads", [0, 0, 0, 0]))
    x = np.pad(x, ((0, 0), (0, 0), (p[0], p[2]), (p[1], p[3])))
    win = windows(x, w.shape[2:], at.get("strides", [1, 1]))
    y = np.tensordot(win, w, axes=([1, 4, 5], [1, 2, 3]))  # [N, OH, OW, O]
    y = y.transpose(0, 3, 1, 2)
    return y + b[None, :, None, None] if b is not None else y


def maxpool(x, at):
    assert list(at.get("pads", [0, 0, 0, 0])) == [0, 0, 0, 0], "MaxPool: padding not used by sqt"
    assert at.get("ceil_mode", 0) == 0, "MaxPool: ceil_mode not used by sqt"
    kernel = at["kernel_shape"]
    return windows(x, kernel, at.get("strides", kernel)).max(axis=(4, 5))


def evaluate(model, x):
    values = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in model.graph.initializer}
    values[model.graph.input[0].name] = x
    for node in model.graph.node:
        at = attrs(node)
        ins = [values[name] if name else None for name in node.input]
        if node.op_type == "Flatten":
            axis = at.get("axis", 1)
            y = ins[0].reshape(int(np.prod(ins[0].shape[:axis])), -1)
        elif node.op_type == "Gemm":
            y = gemm(ins[0], ins[1], ins[2] if len(ins) > 2 else None, at)
        elif node.op_type == "Transpose":
            y = ins[0].transpose(at["perm"])
        elif node.op_type == "Relu":
            y = np.maximum(ins[0], 0)
        elif node.op_type == "Conv":
            y = conv(ins[0], ins[1], ins[2] if len(ins) > 2 else None, at)
        elif node.op_type == "MaxPool":
            y = maxpool(ins[0], at)
        else:
            sys.exit(f"onnx_reference.py: operator {node.op_type} is not interpreted")
        values[node.output[0]] = y
    return values[model.graph.output[0].name]


def mutate_flatten(model):
    """Swaps height and width before the first Flatten: a wrong flatten order."""
    for i, node in enumerate(model.graph.node):
        if node.op_type == "Flatten":
            swapped = node.input[0] + "_hw_swapped"
            model.graph.node.insert(i, onnx.helper.make_node(
                "Transpose", [node.input[0]], [swapped], perm=[0, 1, 3, 2]))
            node.input[0] = swapped
            return True
    return False


def mnist_test_images(data_dir, limit):
    with gzip.open(os.path.join(data_dir, "mnist", "t10k-images-idx3-ubyte.gz")) as f:
        raw = f.read()
    count, rows, cols = (int.from_bytes(raw[i : i + 4], "big") for i in (4, 8, 12))
    pixels = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(count, 1, rows, cols)
    return pixels[:limit].astype(np.float64) / 255.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("onnx_file")
    parser.add_argument("predictions", help="file written by sqt eval --predictions-out")
    parser.add_argument("--data-dir", default=os.environ.get("SQT_DATA_DIR", "../shared/data"))
    parser.add_argument("--min-match", type=int, required=True)
    parser.add_argument("--mutate-flatten", action="store_true")
    args = parser.parse_args()

    model = onnx.load(args.onnx_file)
    onnx.checker.check_model(model, full_check=True)
    if args.mutate_flatten and not mutate_flatten(model):
        sys.exit("onnx_reference.py: no Gemm after a Flatten of the input to mutate")
    expected = np.loadtxt(args.predictions, dtype=np.int64, ndmin=1)
    x = mnist_test_images(args.data_dir, len(expected))
    predicted = np.concatenate(
        [evaluate(model, x[i : i + 250]).argmax(axis=1) for i in range(0, len(x), 250)])
    matches = int((predicted == expected).sum())
    print(f"onnx_reference.py: {matches}/{len(expected)} predictions agree with sqt eval"
          f"{' (mutated model)' if args.mutate_flatten else ''}")
    return 0 if matches >= args.min_match else 1


if __name__ == "__main__":
    sys.exit(main())
