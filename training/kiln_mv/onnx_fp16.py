"""Stores an ONNX file's float weights in fp16, halving it, while the graph still computes in fp32.

Each float32 initializer becomes an fp16 initializer followed by a Cast back to float32 under the
original name, so inputs, outputs and every operator are unchanged; onnxruntime folds the casts
once when it loads the session. The only change is each weight rounded to fp16 (11 significant
bits), which the export measures against the fp32 graph on the probe before keeping the file.
"""
import onnx
from onnx import TensorProto, helper, numpy_helper

# Appended to the name of an initializer stored in half precision (from_onnx strips it again).
FP16_SUFFIX = "__fp16"


def store_weights_fp16(path, min_elements=16):
    model = onnx.load(path)
    graph = model.graph
    casts, kept = [], []
    for init in graph.initializer:
        if init.data_type != TensorProto.FLOAT or int(numpy_helper.to_array(init).size) < min_elements:
            kept.append(init)
            continue
        value = numpy_helper.to_array(init).astype("float16")
        half = numpy_helper.from_array(value, init.name + FP16_SUFFIX)
        kept.append(half)
        casts.append(helper.make_node("Cast", [half.name], [init.name], to=TensorProto.FLOAT, name=init.name + "__cast"))
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(casts + nodes)
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return len(casts)
